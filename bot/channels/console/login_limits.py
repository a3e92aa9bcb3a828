"""Who may try a password now: the console's login limits, with known browsers kept apart.

Counting failures per account alone lets anyone lock any staff member out with ten wrong
passwords; counting every attempt per address locks an office behind one address out by its own
logins. So (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"):

- **An unknown browser** (no device cookie for this account): at most ``IP_ATTEMPTS`` failed
  attempts per address and ``ACCOUNT_ATTEMPTS`` per account in ``WINDOW_S``. Past either, the
  attempt is refused without looking at the password. A success takes its attempt back from the
  address's count and clears the account's; a refused attempt counts nowhere.
- **A known browser** (its device cookie names this account, ``device_cookies``): the address
  and account counts do not apply. Its own failures count against its cookie's nonce, at most
  ``ACCOUNT_ATTEMPTS`` in ``WINDOW_S``; past that, that browser alone is locked.

An attacker without the password can lock unknown browsers out of an account, never a browser
its owner has logged in with. Counts live in the runtime's limiter (Redis across workers).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.channels import rate_keys
from bot.channels.ratelimit import RateLimiter

IP_ATTEMPTS = 30
ACCOUNT_ATTEMPTS = 10
WINDOW_S = 15 * 60


@dataclass(frozen=True)
class LoginAttempt:
    """One attempt, counted; ``wait`` > 0 means refused (seconds until the next may be tried)."""

    limiter: RateLimiter
    ip_key: str
    account_key: str
    device_key: str | None  # set for a known browser
    wait: float

    @property
    def known_browser(self) -> bool:
        return self.device_key is not None

    def succeeded(self) -> None:
        if self.device_key is not None:
            self.limiter.reset(self.device_key, ACCOUNT_ATTEMPTS, WINDOW_S)
            return
        self.limiter.undo(self.ip_key, IP_ATTEMPTS, WINDOW_S)  # a success is not a guess
        self.limiter.reset(self.account_key, ACCOUNT_ATTEMPTS, WINDOW_S)


def begin_attempt(
    limiter: RateLimiter, *, ip: str, email: str, device_nonce: str | None
) -> LoginAttempt:
    """Count this attempt where it belongs, or refuse it."""
    ip_key, account_key = rate_keys.staff_logins_from(ip), rate_keys.staff_logins_to(email)
    if device_nonce is not None:
        device_key = rate_keys.staff_logins_on(device_nonce)
        wait = limiter.hit(device_key, ACCOUNT_ATTEMPTS, WINDOW_S)
        return LoginAttempt(limiter, ip_key, account_key, device_key, wait)
    wait = limiter.hit(ip_key, IP_ATTEMPTS, WINDOW_S)
    if not wait:
        wait = limiter.hit(account_key, ACCOUNT_ATTEMPTS, WINDOW_S)
        if wait:
            limiter.undo(ip_key, IP_ATTEMPTS, WINDOW_S)  # refused unchecked: not a guess either
    return LoginAttempt(limiter, ip_key, account_key, None, wait)
