"""Tables of the notifications app (filled in by the problem-ledger issue)."""
