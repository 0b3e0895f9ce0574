"""Todo Assistant: a multi-user todo app whose main interface is an AI assistant."""

from __future__ import annotations

import logging
import os
from typing import Any

import click
from flask import Flask

from app.config import EXTENSION_KEY, Config, ConfigError
from app.logs import configure_logging


def create_app(config: Config | dict[str, Any] | None = None) -> Flask:
    """The app factory: configuration, extensions and blueprints; nothing else.

    `config` may be a ready `Config`, or a dict of overrides applied on top of the environment's
    (tests use that): lower-case keys are `Config` fields, upper-case keys are Flask settings passed
    through unchanged (e.g. TESTING). By default everything comes from the environment. The
    `flask todo` commands are registered by the `flask.commands` entry point (setup.cfg), so
    the app never imports the CLI that imports it.
    """
    overrides = config if isinstance(config, dict) else {}
    flask_extra = {key: value for key, value in overrides.items() if key.isupper()}
    cfg = config if isinstance(config, Config) else Config.load(
        **{key: value for key, value in overrides.items() if not key.isupper()})
    app = Flask(__name__, instance_path=cfg.instance_path, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    try:
        cfg.validate_for_serving()
    except ConfigError:
        if click.get_current_context(silent=True) is None:
            raise
        # Admin commands (e.g. `flask todo config set-mode developer`) must still run.
        logging.getLogger(__name__).warning("configuration not fit to serve; admin commands only")
    app.config.from_mapping(cfg.flask_settings())
    app.config.from_mapping(flask_extra)
    app.extensions[EXTENSION_KEY] = cfg
    configure_logging(app)

    from app.agent.runtime import get_runtime
    from app.asyncbridge import capture_main_hub
    from app.auth.tokens import init_jwt
    from app.errors import register_error_handlers
    from app.extensions import api, db
    from app.metrics import init_metrics
    from app.security import init_security
    from app.validation import init_validation

    db.init_app(app)
    init_metrics(app)
    capture_main_hub()
    get_runtime().stall_limit = cfg.loop_stall_seconds
    init_jwt(app)
    init_validation(app)
    init_security(app)
    register_error_handlers(app)

    from app.auth.routes import bp as auth_bp
    from app.chat.routes import bp as chat_bp
    from app.chatkit.routes import bp as chatkit_bp
    from app.events.hub import init_events
    from app.events.routes import bp as events_bp
    from app.ops.bench import init_bench
    from app.ops.routes import bp as ops_bp
    from app.reminders.push import init_push
    from app.reminders.routes import bp as reminders_bp
    from app.tasks.routes import bp as tasks_bp
    from app.web import bp as web_bp

    app.register_blueprint(ops_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(tasks_bp)
    app.register_blueprint(chat_bp)
    app.register_blueprint(chatkit_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(events_bp)
    init_events(app)
    init_push(app)
    init_bench(app)
    api.register(app)
    app.register_blueprint(web_bp)
    return app
