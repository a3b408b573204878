#!/usr/bin/env python3
"""botocore's generate_presigned_post for a batch of cases: a JSON array on stdin, a JSON array on stdout.

Each case: {"bucket", "key", "fields": {...}, "conditions": [...], "region", "access_key", "secret_key",
"token": str|null, "time": "YYYY-MM-DDTHH:MM:SSZ", "expires": int, "endpoint_url": str|null,
"addressing_style": "virtual"|"path"}.
Each answer: {"url", "fields"} or {"error"}. The time is fixed by patching get_current_datetime where botocore's
presigner and post signer read it.
"""
import datetime
import json
import sys

import botocore.auth
import botocore.session
import botocore.signers
from botocore.config import Config


def main():
    cases = json.load(sys.stdin)
    session = botocore.session.get_session()
    answers = []
    for case in cases:
        now = datetime.datetime.strptime(case['time'], '%Y-%m-%dT%H:%M:%SZ')
        botocore.auth.get_current_datetime = lambda: now
        botocore.signers.get_current_datetime = lambda: now
        try:
            client = session.create_client(
                's3',
                region_name=case['region'],
                aws_access_key_id=case['access_key'],
                aws_secret_access_key=case['secret_key'],
                aws_session_token=case['token'],
                endpoint_url=case.get('endpoint_url'),
                config=Config(
                    signature_version='s3v4', s3={'addressing_style': case.get('addressing_style', 'virtual')}
                ),
            )
            answers.append(
                client.generate_presigned_post(
                    case['bucket'],
                    case['key'],
                    Fields=case['fields'],
                    Conditions=case['conditions'],
                    ExpiresIn=case['expires'],
                )
            )
        except Exception as error:  # reported to the test, which fails on it
            answers.append({'error': repr(error)})
    json.dump(answers, sys.stdout)


main()
