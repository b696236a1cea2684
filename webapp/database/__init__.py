"""The database beneath the models: bringing its schema up to date, and tuning SQLite."""
