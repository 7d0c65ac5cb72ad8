format: krill-signature-1
algorithm: ed25519
key-id: 0123456789abcdef
signature: AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==
