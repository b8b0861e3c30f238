#!/bin/sh
# The `s3` service: SeaweedFS (the S3 server the test suite runs too) in one process — master,
# volume, filer and the S3 gateway on port 9000 — that accepts only the stack's credentials and
# creates reposync's bucket at start if it is missing.
set -eu
: "${S3_ACCESS_KEY_ID:?set S3_ACCESS_KEY_ID}" "${S3_SECRET_ACCESS_KEY:?set S3_SECRET_ACCESS_KEY}" "${S3_BUCKET:?set S3_BUCKET}"
config=/tmp/s3-identities.json
umask 077
cat > "$config" <<JSON
{"identities":[{"name":"reposync","credentials":[{"accessKey":"$S3_ACCESS_KEY_ID","secretKey":"$S3_SECRET_ACCESS_KEY"}],"actions":["Admin","Read","Write","List","Tagging"]}]}
JSON
exec weed mini -dir=/data -ip.bind=0.0.0.0 -s3.port=9000 -s3.config="$config" -bucket="$S3_BUCKET" \
  -admin.ui=false -webdav=false -s3.port.iceberg=0 -s3.port.lance=0
