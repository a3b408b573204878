"""Signs request specs (JSON list on stdin) with botocore and prints the signed requests as JSON.

Each spec: {kind: header|s3-header|query|s3-query, method, url, headers, body, service, region, time,
accessKeyId, secret, token?, expires?, unsignedPayload?}. The signing time is fixed by patching botocore.auth.get_current_datetime.
"""
import datetime
import json
import sys
from types import SimpleNamespace
from unittest import mock

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SIGNERS = {
    'header': botocore.auth.SigV4Auth,
    's3-header': botocore.auth.S3SigV4Auth,
    'query': botocore.auth.SigV4QueryAuth,
    's3-query': botocore.auth.S3SigV4QueryAuth,
}


def sign(spec):
    when = datetime.datetime.strptime(spec['time'], '%Y-%m-%dT%H:%M:%SZ')
    credentials = Credentials(spec['accessKeyId'], spec['secret'], spec.get('token'))
    body = spec.get('body')
    request = AWSRequest(method=spec['method'], url=spec['url'], headers=spec.get('headers', {}), data=body.encode() if body else None)
    if spec.get('unsignedPayload'):
        request.context['client_config'] = SimpleNamespace(s3={'payload_signing_enabled': False})
    args = [credentials, spec['service'], spec['region']]
    if 'query' in spec['kind']:
        args.append(spec.get('expires', 3600))
    with mock.patch('botocore.auth.get_current_datetime', return_value=when):
        SIGNERS[spec['kind']](*args).add_auth(request)
    prepared = request.prepare()
    return {'method': prepared.method, 'url': prepared.url, 'headers': dict(prepared.headers.items()), 'body': body}


print(json.dumps([sign(spec) for spec in json.load(sys.stdin)]))
