from policy_kit.cli import app

app()
