format: krill-timestamp-1
repository: main
arch: x86_64
version: 2
expires: 2026-12-09T06:16:48Z
index-version: 2
index-expires: 2027-01-01T06:16:48Z
index-size: 562
index-sha256: d48a90bb2dd3c66e178a423474aef9e599266beae0e4dd0e2196c6db791f0ea2
zst-size: 308
zst-sha256: a2b0a1543eb50a1f02e74969a03ad3686492f9b9680894e7107b8a8f448b383e

format: krill-signature-1
algorithm: ed25519
key-id: d2c42381e9e66338
signature: 1fa856L1UxUnyoXXWyGj7SO1W5JU5+hWLy24qJwvSkUTr3amt2K5qmqgrxCNwn5pQ0YrJt+lyCJoT4kH7qIDCA==
