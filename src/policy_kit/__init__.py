"""policy_kit: pilot-programme statistics to decision-ready policy memos."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("policy_kit")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"
