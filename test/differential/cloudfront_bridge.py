#!/usr/bin/env python3
"""Reference for the CloudFront tests: botocore's CloudFrontSigner with a `cryptography` signer, behind a JSON-lines pipe.

One long-lived process. Each stdin line is a JSON object with "id" and "op":
  {"op": "keys"}  -> {"rsa_pkcs8", "rsa_pkcs1", "rsa_public", "rsa_public_pkcs1", "ec_pkcs8", "ec_sec1",
                      "ec_public"}: fresh keys made by `cryptography` (RSA 2048, EC P-256), PEM.
  {"op": "url", "key", "key_pair_id", "url", "expires": int | null, "policy": str | null, "hash": "SHA1"|"SHA256"}
      -> {"url"}: botocore's generate_presigned_url (canned with date_less_than, custom with the policy given),
         "&Hash-Algorithm=SHA256" appended for SHA256 (botocore has no such option; the parameter goes last).
  {"op": "policy", "resource", "expires", "not_before": int | null, "ip": str | null} -> {"policy"}: build_policy.
  {"op": "verify", "public", "signature_b64", "message", "hash"} -> {"valid": bool}: `cryptography` checks a
      signature (RSA PKCS#1 v1.5, or ECDSA with a DER signature) over the UTF-8 message.
Each answer carries the "id"; {"id", "error"} when an operation raised.
"""
import base64
import datetime
import json
import sys

from botocore.signers import CloudFrontSigner
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

HASHES = {'SHA1': hashes.SHA1, 'SHA256': hashes.SHA256}


def pem(key, fmt):
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()


def public_pem(key, fmt=serialization.PublicFormat.SubjectPublicKeyInfo):
    return key.public_key().public_bytes(serialization.Encoding.PEM, fmt).decode()


def keys(_job):
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    return {
        'rsa_pkcs8': pem(rsa_key, serialization.PrivateFormat.PKCS8),
        'rsa_pkcs1': pem(rsa_key, serialization.PrivateFormat.TraditionalOpenSSL),
        'rsa_public': public_pem(rsa_key),
        'rsa_public_pkcs1': public_pem(rsa_key, serialization.PublicFormat.PKCS1),
        'ec_pkcs8': pem(ec_key, serialization.PrivateFormat.PKCS8),
        'ec_sec1': pem(ec_key, serialization.PrivateFormat.TraditionalOpenSSL),
        'ec_public': public_pem(ec_key),
    }


def url(job):
    key = serialization.load_pem_private_key(job['key'].encode(), password=None)
    digest = HASHES[job['hash']]

    def signer(message):
        return key.sign(message, padding.PKCS1v15(), digest())

    cf = CloudFrontSigner(job['key_pair_id'], signer)
    if job.get('policy') is not None:
        signed = cf.generate_presigned_url(job['url'], policy=job['policy'])
    else:
        moment = datetime.datetime.fromtimestamp(job['expires'], tz=datetime.timezone.utc)
        signed = cf.generate_presigned_url(job['url'], date_less_than=moment)
    if job['hash'] == 'SHA256':
        signed += '&Hash-Algorithm=SHA256'
    return {'url': signed}


def policy(job):
    cf = CloudFrontSigner('unused', lambda message: b'')
    at = lambda seconds: datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    not_before = at(job['not_before']) if job.get('not_before') is not None else None
    return {'policy': cf.build_policy(job['resource'], at(job['expires']), not_before, job.get('ip'))}


def verify(job):
    key = serialization.load_pem_public_key(job['public'].encode())
    signature = base64.b64decode(job['signature_b64'])
    message = job['message'].encode()
    digest = HASHES[job['hash']]
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PKCS1v15(), digest())
        else:
            key.verify(signature, message, ec.ECDSA(digest()))
        return {'valid': True}
    except InvalidSignature:
        return {'valid': False}


OPERATIONS = {'keys': keys, 'url': url, 'policy': policy, 'verify': verify}


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        job = json.loads(line)
        try:
            answer = OPERATIONS[job['op']](job)
        except Exception as error:  # reported to the test, which fails on it
            answer = {'error': f'{type(error).__name__}: {error}'}
        answer['id'] = job.get('id')
        sys.stdout.write(json.dumps(answer) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
