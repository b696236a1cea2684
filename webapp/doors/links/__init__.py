"""The links mailed to customers (contract section 12): email verification, and consent
confirmation and withdrawal. Each answers with a page that says what happened."""
