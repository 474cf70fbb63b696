"""The resident pages, no login: bringing a matter online (线上接件) and looking up its progress."""
