"""What the services announce for others to act on, without knowing who listens (the portal emails her;
maternity imports nothing of the portal). Each is sent inside the write's transaction: a receiver that does
anything outside the database does it in `transaction.on_commit`, so a write rolled back tells no one.

- `break_glass_done(record)`: someone outside her care team found `record` by its keys and broke the glass.
- `birth_plan_read(record, plan)`: a professional marked her birth plan read (the first time per version).
"""

from django.dispatch import Signal

break_glass_done = Signal()
birth_plan_read = Signal()
