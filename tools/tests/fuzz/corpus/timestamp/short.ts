format: krill-timestamp-1

format: krill-signature-1
