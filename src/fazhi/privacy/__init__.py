"""Personal information (个人信息保护法): which ledger fields hold it, masking them, and the log of every reveal."""
