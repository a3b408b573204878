# Runs `python3 -m moto.server <args>` and exits as soon as its standard input closes, i.e. when the Node
# process that started it is gone, even if that process was killed without running its cleanup.
import os
import runpy
import sys
import threading


def exit_when_parent_is_gone() -> None:
    sys.stdin.buffer.read()  # returns at end of file: the pipe from the parent was closed
    os._exit(0)


threading.Thread(target=exit_when_parent_is_gone, daemon=True).start()
sys.argv = ["moto.server", *sys.argv[1:]]
runpy.run_module("moto.server", run_name="__main__", alter_sys=True)
