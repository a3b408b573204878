"""Decodes event streams (JSON list of hex strings on stdin) with botocore's EventStreamBuffer, fed whole and cut
once at every offset (each cut must give the same messages), and prints the messages of each stream as JSON:
[{headers: {name: [kind, value]}, payload: hex}], kind one of bool, int, bytes, str (botocore keeps no finer type).
"""
import json
import sys
import uuid

from botocore.eventstream import EventStreamBuffer


def plain(value):
    if isinstance(value, bool):
        return ['bool', 'true' if value else 'false']
    if isinstance(value, int):
        return ['int', str(value)]
    if isinstance(value, (bytes, bytearray)):
        return ['bytes', bytes(value).hex()]
    if isinstance(value, uuid.UUID):
        return ['bytes', value.bytes.hex()]
    if isinstance(value, str):
        return ['str', value]
    raise TypeError(f'unexpected header value {value!r}')


def decode(chunks):
    buffer = EventStreamBuffer()
    messages = []
    for chunk in chunks:
        buffer.add_data(chunk)
        for message in buffer:
            messages.append({
                'headers': {name: plain(value) for name, value in message.headers.items()},
                'payload': bytes(message.payload).hex(),
            })
    return messages


def main():
    results = []
    cuts = 0
    for text in json.load(sys.stdin):
        data = bytes.fromhex(text)
        whole = decode([data])
        for offset in range(1, len(data)):
            if decode([data[:offset], data[offset:]]) != whole:
                raise SystemExit(f'botocore decodes the stream cut at {offset} differently')
            cuts += 1
        results.append(whole)
    json.dump({'streams': results, 'cuts': cuts}, sys.stdout)


main()
