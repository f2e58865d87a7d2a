"""The demo account: one command gives judges a user with a realistic task list to try."""

from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.auth.accounts import create_account, user_by_email
from backend.auth.models import User, UserCreate
from backend.config import Settings
from backend.datetimes import utcnow
from backend.tasks import service as task_service
from backend.tasks.fields import Priority, Recurrence
from backend.tasks.models import Task, TaskCreate

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"  # noqa: S105 (published on purpose: it is the demo login)
DEMO_NAME = "Demo User"


def demo_tasks(now: datetime) -> list[TaskCreate]:
    """A varied list: priorities, tags, past and future due dates, repeats, one already done."""
    day = timedelta(days=1)
    high, low = Priority.high, Priority.low
    return [
        TaskCreate(
            title="Buy groceries",
            description="Milk, eggs, bread",
            priority=high,
            tags=["errands", "home"],
            due_date=now + day,
        ),
        TaskCreate(
            title="Water the plants",
            tags=["home"],
            recurrence=Recurrence.weekly,
            due_date=now + 2 * day,
        ),
        TaskCreate(title="Submit expense report", priority=high, tags=["work"], due_date=now - day),
        TaskCreate(
            title="Prepare slides for Monday",
            description="Q4 roadmap review",
            tags=["work"],
            due_date=now + 4 * day,
        ),
        TaskCreate(
            title="Pay rent",
            priority=high,
            tags=["home", "finance"],
            recurrence=Recurrence.monthly,
            due_date=now + 10 * day,
        ),
        TaskCreate(title="Read one chapter", priority=low, tags=["personal"]),
        TaskCreate(title="Call the dentist", priority=low, tags=["health"], completed=True),
    ]


async def seed_demo(session: AsyncSession, *, settings: Settings) -> tuple[User, int]:
    """Create the demo account if absent and give it the demo tasks if it has none.

    Returns the user and how many tasks were added (0 when it was already seeded).
    """
    user = await user_by_email(session, DEMO_EMAIL)
    if user is None:
        user_in = UserCreate(email=DEMO_EMAIL, password=DEMO_PASSWORD, name=DEMO_NAME)
        user = await create_account(session=session, user_in=user_in, settings=settings)
    if (await session.exec(select(func.count()).where(Task.user_id == user.id))).one():
        return user, 0
    tasks = demo_tasks(utcnow())
    for task_in in tasks:
        await task_service.create_task(session, owner_id=user.id, task_in=task_in)
    return user, len(tasks)


async def demo_account_exists(engine: AsyncEngine) -> bool:
    """Whether the demo account is in the database; False when the database cannot say."""
    try:
        async with engine.connect() as connection:
            found = await connection.execute(select(col(User.id)).where(User.email == DEMO_EMAIL))
            return found.first() is not None
    except SQLAlchemyError:  # the docs still load while the database is down
        return False
