"""The optional second factor (MLPS 2.0 level 3): time-based one-time passwords, RFC 6238, for district administrators."""
