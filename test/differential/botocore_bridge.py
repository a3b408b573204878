#!/usr/bin/env python3
"""Reference signer for the differential tests: botocore behind a JSON-lines pipe.

One long-lived process. Each stdin line is a JSON object:
  {"id", "mode": "header"|"query", "s3": bool, "method", "url", "headers": [[name, value], ...],
   "body_b64": str|null, "access_key", "secret_key", "token": str|null, "region", "service",
   "time": "YYYYMMDDTHHMMSSZ", "expires": int, "unsigned_payload": bool}
Each stdout line answers it:
  {"id", "canonical_request", "string_to_sign", "signature", "headers": [[name, value], ...], "url"}
or {"id", "error"} when botocore raised.

The signing time is fixed by patching botocore.auth.get_current_datetime (and botocore.auth.datetime, used
for the Date header). "unsigned_payload" is botocore's own switch: the S3 client config
payload_signing_enabled=False for S3, the request context payload_signing_enabled=False otherwise
(what botocore does for operations with the v4-unsigned-body auth type).
"""
import base64
import datetime as real_datetime
import json
import sys
import types

import botocore.auth
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def capturing(cls):
    """A subclass of a botocore signer that records the canonical request, string to sign and signature."""

    class Capturing(cls):
        captured = {}

        def canonical_request(self, request):
            value = super().canonical_request(request)
            self.captured['canonical_request'] = value
            return value

        def string_to_sign(self, request, canonical_request):
            value = super().string_to_sign(request, canonical_request)
            self.captured['string_to_sign'] = value
            return value

        def signature(self, string_to_sign, request):
            value = super().signature(string_to_sign, request)
            self.captured['signature'] = value
            return value

    Capturing.__name__ = 'Capturing' + cls.__name__
    return Capturing


SIGNERS = {
    ('header', False): capturing(SigV4Auth),
    ('header', True): capturing(S3SigV4Auth),
    ('query', False): capturing(SigV4QueryAuth),
    ('query', True): capturing(S3SigV4QueryAuth),
}


def fix_time(moment):
    """Makes botocore see `moment` (a naive UTC datetime) as now."""

    class FixedDatetime(real_datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return moment if tz is None else moment.replace(tzinfo=real_datetime.timezone.utc).astimezone(tz)

        @classmethod
        def utcnow(cls):
            return moment

    botocore.auth.get_current_datetime = lambda remove_tzinfo=True: (
        moment if remove_tzinfo else moment.replace(tzinfo=real_datetime.timezone.utc)
    )
    botocore.auth.datetime = types.SimpleNamespace(datetime=FixedDatetime)


def sign(job):
    moment = real_datetime.datetime.strptime(job['time'], '%Y%m%dT%H%M%SZ')
    fix_time(moment)
    body = base64.b64decode(job['body_b64']) if job.get('body_b64') is not None else None
    request = AWSRequest(method=job['method'], url=job['url'], data=body)
    for name, value in job.get('headers', []):
        request.headers[name] = value  # HTTPHeaders appends: repeated names stay repeated
    credentials = Credentials(job['access_key'], job['secret_key'], job.get('token'))
    s3 = bool(job.get('s3'))
    cls = SIGNERS[(job['mode'], s3)]
    if job['mode'] == 'query':
        signer = cls(credentials, job['service'], job['region'], expires=job.get('expires', 3600))
    else:
        signer = cls(credentials, job['service'], job['region'])
    signer.captured = {}
    if job.get('unsigned_payload'):
        if s3:
            request.context['client_config'] = types.SimpleNamespace(s3={'payload_signing_enabled': False})
        else:
            request.context['payload_signing_enabled'] = False
    signer.add_auth(request)
    return {
        'id': job['id'],
        'canonical_request': signer.captured['canonical_request'],
        'string_to_sign': signer.captured['string_to_sign'],
        'signature': signer.captured['signature'],
        'headers': [[name, value] for name, value in request.headers.items()],
        'url': request.url,
    }


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        job = json.loads(line)
        try:
            answer = sign(job)
        except Exception as error:  # reported to the test, which fails on it
            answer = {'id': job.get('id'), 'error': f'{type(error).__name__}: {error}'}
        sys.stdout.write(json.dumps(answer) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
