# Signs AppSync IAM authorizations with botocore's SigV4Auth at frozen times: reads cases as JSON on stdin
# ({ host, path, body, headers, accessKeyId, secretAccessKey, sessionToken?, region, amzDate }), prints the signed
# header records as JSON.
import datetime
import json
import sys
from unittest import mock

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

out = []
for case in json.load(sys.stdin):
    when = datetime.datetime.strptime(case['amzDate'], '%Y%m%dT%H%M%SZ')
    request = AWSRequest(method='POST', url='https://' + case['host'] + case['path'],
                         data=case['body'].encode('utf-8'), headers=dict(case['headers']))
    credentials = Credentials(case['accessKeyId'], case['secretAccessKey'], case.get('sessionToken'))
    with mock.patch('botocore.auth.get_current_datetime', return_value=when):
        botocore.auth.SigV4Auth(credentials, 'appsync', case['region']).add_auth(request)
    out.append({name.lower(): value for name, value in request.headers.items()})
json.dump(out, sys.stdout)
