#!/usr/bin/env python3
"""The reference tokens, for a batch of jobs: a JSON array on stdin, a JSON array on stdout.

Each job: {"kind", "params": {...}, "access_key", "secret_key", "token": str|null, "time": "YYYY-MM-DDTHH:MM:SSZ",
"expires": int|null}. Kinds:
- "rds": botocore's rds client generate_db_auth_token(DBHostname, Port, DBUsername, Region);
- "dsql" / "dsql-admin": botocore's dsql client generate_db_connect_auth_token / generate_db_connect_admin_auth_token;
- "eks": awscli's EKS TokenGenerator over the STS client of its STSClientFactory (what `aws eks get-token` runs);
- "presign": botocore's generic RequestSigner.generate_presigned_url of GET <scheme>://<host>/ with the params in
  order, for params.service and params.region (what the ElastiCache and MemoryDB IAM guides do), scheme removed;
- "msk": what aws-msk-iam-sasl-signer-python does with botocore: kafka-cluster:Connect presigned on
  https://kafka.<region>.amazonaws.com/, then &User-Agent=<params.userAgent> and base64url without padding.
Each answer: {"token"} or {"error"}. The time is fixed by patching get_current_datetime where botocore's signer
reads it (botocore.auth).
"""
import base64
import datetime
import json
import sys
from urllib.parse import quote

import botocore.auth
import botocore.session
from botocore.awsrequest import prepare_request_dict
from botocore.credentials import Credentials
from botocore.hooks import HierarchicalEmitter
from botocore.model import ServiceId
from botocore.signers import RequestSigner


def client(session, name, case):
    return session.create_client(
        name,
        region_name=case['params'].get('region', 'us-east-1'),
        aws_access_key_id=case['access_key'],
        aws_secret_access_key=case['secret_key'],
        aws_session_token=case['token'],
    )


def eks(case):
    from awscli.customizations.eks.get_token import STSClientFactory, TokenGenerator

    session = botocore.session.get_session()
    session.set_credentials(case['access_key'], case['secret_key'], case['token'])
    sts = STSClientFactory(session).get_sts_client(region_name=case['params']['region'])
    return TokenGenerator(sts).get_token(case['params']['clusterName'])


def presign(case):
    params = case['params']
    credentials = Credentials(case['access_key'], case['secret_key'], case['token'])
    emitter = HierarchicalEmitter()  # the signer keeps only a weak reference to it
    signer = RequestSigner(ServiceId(params['service']), params['region'], params['service'], 'v4', credentials, emitter)
    request = {'url_path': '/', 'query_string': '', 'headers': {}, 'body': dict(params['query']), 'method': 'GET'}
    scheme = params.get('scheme', 'https') + '://'
    prepare_request_dict(request, scheme + params['host'])
    url = signer.generate_presigned_url(
        request, operation_name='connect', expires_in=case['expires'] or 900, region_name=params['region']
    )
    return url if params.get('keep_scheme') else url[len(scheme):]


def msk(case):
    params = case['params']
    url = presign({
        **case,
        'params': {
            'service': 'kafka-cluster',
            'region': params['region'],
            'host': f"kafka.{params['region']}.amazonaws.com",
            'query': [['Action', 'kafka-cluster:Connect']],
            'keep_scheme': True,
        },
    })
    url += '&User-Agent=' + quote(params['userAgent'], safe='')
    return base64.urlsafe_b64encode(url.encode('utf-8')).decode('utf-8').rstrip('=')


def token(session, case):
    kind, params = case['kind'], case['params']
    if kind == 'rds':
        return client(session, 'rds', case).generate_db_auth_token(
            params['hostname'], params['port'], params['username'], Region=params['region']
        )
    if kind in ('dsql', 'dsql-admin'):
        dsql = client(session, 'dsql', case)
        method = dsql.generate_db_connect_auth_token if kind == 'dsql' else dsql.generate_db_connect_admin_auth_token
        return method(params['hostname'], Region=params['region'], ExpiresIn=case['expires'] or 900)
    if kind == 'eks':
        return eks(case)
    if kind == 'presign':
        return presign(case)
    if kind == 'msk':
        return msk(case)
    raise ValueError('unknown kind ' + kind)


def main():
    cases = json.load(sys.stdin)
    session = botocore.session.get_session()
    answers = []
    for case in cases:
        now = datetime.datetime.strptime(case['time'], '%Y-%m-%dT%H:%M:%SZ')
        botocore.auth.get_current_datetime = lambda: now
        try:
            answers.append({'token': token(session, case)})
        except Exception as error:  # reported to the test, which fails on it
            answers.append({'error': f'{type(error).__name__}: {error}'})
    json.dump(answers, sys.stdout)


if __name__ == '__main__':
    main()
