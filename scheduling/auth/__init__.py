"""Sign-in building blocks: password hashing, TOTP, secret encryption, throttling and OIDC."""
