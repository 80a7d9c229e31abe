"""SSH signatures over review records, made and checked by OpenSSH's ``ssh-keygen -Y``.

No cryptography is done here: this module only runs ``ssh-keygen`` (OpenSSH 8.2 or later), the
same tool git uses for SSH-signed commits, and reads its exit status. Keys are trusted through
an OpenSSH ``allowed_signers`` file whose principals are the reviewers' e-mail addresses.
"""

from __future__ import annotations

import enum
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from locpipe.errors import ConfigError, LocpipeError

NAMESPACE = "locpipe-review"
"""The ``-n`` namespace of every review signature: a signature made for git commits, e-mail or
files cannot be passed off as a review, nor a review signature as one of those."""


class SigningError(LocpipeError):
    """A review could not be signed (a missing key, a key ssh-keygen refuses)."""


class Verdict(enum.Enum):
    """What checking one signature found."""

    VALID = "valid"
    INVALID = "invalid"
    """The signature does not verify over the record's bytes (edited, damaged, wrong namespace)."""
    UNLISTED = "unlisted"
    """The signature verifies, but its key is not listed in allowed_signers for the reviewer."""


@dataclass(frozen=True, slots=True)
class Signed:
    """Bytes, the armored signature said to cover them, and who is said to have signed."""

    data: bytes
    signature: str
    principal: str
    """The reviewer's e-mail address: the principal their key must be listed under."""


@dataclass(frozen=True, slots=True)
class Checked:
    """The verdict on one :class:`Signed`, with a one-line reason when it is not valid."""

    verdict: Verdict
    reason: str = ""


def ssh_keygen() -> str:
    """The path of ``ssh-keygen``; its absence is a configuration error when signatures count."""
    found = shutil.which("ssh-keygen")
    if found is None:
        raise ConfigError(
            "review signatures need OpenSSH's ssh-keygen (8.2 or later), which is not on PATH; "
            "install OpenSSH, or remove allowed-signers from [tool.locpipe]",
            path="pyproject.toml",
        )
    return found


def sign(data: bytes, key: Path) -> str:
    """An armored ``-----BEGIN SSH SIGNATURE-----`` block over ``data`` by the key at ``key``.

    ``key`` is a private key file, or a public key whose private half is in ssh-agent. A key with
    a passphrase makes ssh-keygen ask for it on the terminal.
    """
    if not key.is_file():
        raise SigningError("signing key not found", path=str(key))
    import subprocess  # here: most runs sign and verify nothing (3 ms of every start)

    with tempfile.TemporaryDirectory(prefix="locpipe-sign-") as folder:
        message = Path(folder) / "record"
        message.write_bytes(data)
        done = subprocess.run(
            [ssh_keygen(), "-Y", "sign", "-q", "-f", str(key), "-n", NAMESPACE, str(message)],
            capture_output=True,
            text=True,
            check=False,
        )
        signature = message.with_name("record.sig")
        if done.returncode != 0 or not signature.is_file():
            raise SigningError(
                "ssh-keygen could not sign with this key: " + _last_line(done.stderr),
                path=str(key),
            )
        return signature.read_text(encoding="ascii")


def verify_all(signed: Sequence[Signed], allowed_signers: Path, *, shown_as: str) -> list[Checked]:
    """The verdict on each of ``signed`` against the ``allowed_signers`` file.

    One ``ssh-keygen -Y verify`` per signature, run side by side; only a signature that fails is
    examined further, to say whether it is badly signed or signed by a key not listed.
    """
    if not signed:
        return []
    if not allowed_signers.is_file():
        raise ConfigError(
            f"allowed-signers file {shown_as!r} not found (it lists the reviewers' SSH keys)",
            path="pyproject.toml",
        )
    from concurrent.futures import ThreadPoolExecutor  # here: see sign

    program = ssh_keygen()
    with tempfile.TemporaryDirectory(prefix="locpipe-verify-") as folder:
        jobs = []
        for number, item in enumerate(signed):
            signature = Path(folder) / f"{number}.sig"
            signature.write_text(item.signature, encoding="utf-8")
            jobs.append((item, signature))
        workers = min(len(jobs), os.cpu_count() or 1, 16)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda job: _verdict(program, allowed_signers, *job), jobs))


def _verdict(program: str, allowed_signers: Path, item: Signed, signature: Path) -> Checked:
    verify = _run(
        program,
        ["-Y", "verify", "-f", str(allowed_signers), "-I", item.principal, "-n", NAMESPACE],
        signature,
        item.data,
    )
    if verify.returncode == 0:
        return Checked(Verdict.VALID)
    # Why did it fail? First whether the signature holds over these bytes at all ...
    intact = _run(program, ["-Y", "check-novalidate", "-n", NAMESPACE], signature, item.data)
    if intact.returncode != 0:
        return Checked(
            Verdict.INVALID,
            "the signature does not verify over this record: it was edited after signing, "
            "or the signature is damaged or not a locpipe review signature",
        )
    # ... then whose key made it.
    found = _run(program, ["-Y", "find-principals", "-f", str(allowed_signers)], signature, None)
    principals = found.stdout.split() if found.returncode == 0 else []
    if not principals:
        return Checked(Verdict.UNLISTED, "signed by a key that allowed_signers does not list")
    if item.principal not in principals:
        return Checked(
            Verdict.UNLISTED,
            f"signed by a key listed for {', '.join(principals)}, not for {item.principal}",
        )
    return Checked(Verdict.INVALID, "ssh-keygen refused it: " + _last_line(verify.stderr))


def _run(program: str, arguments: list[str], signature: Path, data: bytes | None) -> _Done:
    import subprocess  # here: see sign

    done = subprocess.run(
        [program, *arguments, "-s", str(signature)],
        input=data,
        stdin=subprocess.DEVNULL if data is None else None,
        capture_output=True,
        check=False,
    )
    return _Done(
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


@dataclass(frozen=True, slots=True)
class _Done:
    returncode: int
    stdout: str
    stderr: str


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no reason given"
