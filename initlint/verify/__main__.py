"""``python -m initlint.verify`` runs the verify command without the main CLI."""

from initlint.verify.cli import verify_command

if __name__ == "__main__":
    verify_command(prog_name="initlint verify")
