"""Staff accounts, their passwords (scrypt) and login sessions: shared by the console, the CLI's
`staff` commands and the helpdesk's use cases, with no Flask."""
