format: krill-signature-1
algorithm: ed25519
