"""Signs a request with botocore's SigV4Auth (the signer of the AWS CLI and boto3) and sends it.

Reads one JSON object on stdin: method, url, headers, body, accessKeyId, secretAccessKey,
sessionToken, region, service, signedAt (ISO time, to sign in the past), and `tamper`, what to
change after signing (body, path, query, dropHeader). Prints {"status": ..., "body": ...}.
"""
import datetime
import http.client
import json
import sys
import urllib.parse

import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

spec = json.load(sys.stdin)
if spec.get("signedAt"):
    fixed = datetime.datetime.fromisoformat(spec["signedAt"].replace("Z", "+00:00")).replace(tzinfo=None)
    botocore.auth.get_current_datetime = lambda *args, **kwargs: fixed

credentials = Credentials(spec["accessKeyId"], spec["secretAccessKey"], spec.get("sessionToken"))
body = spec.get("body")
request = AWSRequest(method=spec["method"], url=spec["url"], data=body.encode() if body else None, headers=spec.get("headers", {}))
SigV4Auth(credentials, spec.get("service", "execute-api"), spec["region"]).add_auth(request)
prepared = request.prepare()

tamper = spec.get("tamper", {})
url = urllib.parse.urlsplit(prepared.url)
path = tamper.get("path", url.path)
query = tamper.get("query", url.query)
headers = {name: value for name, value in prepared.headers.items() if name.lower() != tamper.get("dropHeader", "").lower()}
sent_body = tamper["body"].encode() if "body" in tamper else prepared.body

connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
connection.request(prepared.method, path + ("?" + query if query else ""), body=sent_body, headers=headers)
response = connection.getresponse()
print(json.dumps({"status": response.status, "body": response.read().decode()}))
