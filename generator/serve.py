"""`azx serve`: build the site, serve it on a local port, rebuild when data or templates change."""

from __future__ import annotations

import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from generator.errors import ConfigurationError, SiteBuildError
from generator.package.text import terminal
from generator.project import Project
from generator.site import build

CODE = Path(__file__).parent / "site"  # the templates and stylesheets of the installed package


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - base class signature
        pass


def snapshot(paths: list[Path]) -> dict[str, float]:
    """Modification time of every file under `paths`, to notice a change by polling."""
    files = {}
    for root in paths:
        for path in [root] if root.is_file() else sorted(root.rglob("*")):
            if path.is_file():
                files[str(path)] = path.stat().st_mtime
    return files


def serve(project: Project, data_root: Path, work_dir: Path, dev_addr: str,
          interval: float = 1.0) -> int:
    """Serve a preview build of `project` at `dev_addr` until interrupted; rebuild on every
    change of the data, the hand-written docs, mkdocs.yml, the templates or the stylesheets."""
    site_dir = work_dir / "serve-site"
    if build.build(data_root, site_dir, work_dir, project) != 0:
        print("数据有错误,改正后将自动重新生成。")
    host, _, port = dev_addr.rpartition(":")
    handler = functools.partial(_Quiet, directory=str(site_dir))
    server = ThreadingHTTPServer((host or "127.0.0.1", int(port)), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"预览地址:http://{host or '127.0.0.1'}:{port}/ (Ctrl+C 结束)")
    watched = [CODE / "templates", CODE / "assets", project.docs, project.config, data_root]
    seen = snapshot(watched)
    try:
        while True:
            time.sleep(interval)
            now = snapshot(watched)
            if now != seen:
                seen = now
                print("检测到修改,重新生成……")
                try:
                    build.build(data_root, site_dir, work_dir, project)
                except (SiteBuildError, ConfigurationError) as exc:  # e.g. a busy work folder
                    print(terminal(exc.line("serve")))
    finally:
        server.shutdown()
        server.server_close()
