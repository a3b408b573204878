#!/usr/bin/env python3
"""botocore's S3 Express auth (S3ExpressAuth for headers, S3ExpressQueryAuth for presigned URLs) for a batch of
requests: a JSON array on stdin, a JSON array on stdout. Reuses the time fixing and capturing of
test/differential/botocore_bridge.py.

Each job: {"mode": "header"|"query", "method", "url", "headers": [[name, value]], "body_b64": str|null,
"access_key", "secret_key", "token", "region", "time": "YYYYMMDDTHHMMSSZ", "expires": int}.
Each answer: {"canonical_request", "signature", "headers", "url"} or {"error"}.
"""
import base64
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'differential'))
from botocore_bridge import capturing, fix_time  # noqa: E402
from botocore.auth import S3ExpressAuth, S3ExpressQueryAuth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

HEADER = capturing(S3ExpressAuth)
QUERY = capturing(S3ExpressQueryAuth)


def sign(job):
    fix_time(datetime.datetime.strptime(job['time'], '%Y%m%dT%H%M%SZ'))
    body = base64.b64decode(job['body_b64']) if job.get('body_b64') is not None else None
    request = AWSRequest(method=job['method'], url=job['url'], data=body)
    for name, value in job.get('headers', []):
        request.headers[name] = value
    credentials = Credentials(job['access_key'], job['secret_key'], job['token'])
    if job['mode'] == 'query':
        signer = QUERY(credentials, 's3express', job['region'], identity_cache=None, expires=job['expires'])
    else:
        signer = HEADER(credentials, 's3express', job['region'], identity_cache=None)
    signer.captured = {}
    signer.add_auth(request)
    return {
        'canonical_request': signer.captured['canonical_request'],
        'signature': signer.captured['signature'],
        'headers': [[name, value] for name, value in request.headers.items()],
        'url': request.url,
    }


def main():
    answers = []
    for job in json.load(sys.stdin):
        try:
            answers.append(sign(job))
        except Exception as error:  # reported to the test, which fails on it
            answers.append({'error': f'{type(error).__name__}: {error}'})
    json.dump(answers, sys.stdout)


main()
