"""``coplearn site``: build (and try) the browser edition of the course."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    site = sub.add_parser("site", help="build the browser edition of the course (a static website)",
                          description="Build the course as a static website that runs in any browser, "
                                      "with nothing to install (JupyterLite and Pyodide).")
    actions = site.add_subparsers(dest="site_command", metavar="ACTION")
    build = actions.add_parser("build", help="build the site into a folder",
                               description="Build the browser edition into a folder, ready to publish on any web host "
                                           "(docs/deploy.md says how). It needs Node.js and npm, and downloads "
                                           "Pyodide and the packages once (kept for later builds).")
    build.add_argument("folder", type=Path, nargs="?", default=None,
                       help="the folder to write, as for `site serve` (the same as -o)")
    build.add_argument("-o", "--output", type=Path, default=None,
                       help="the folder to write (replaced if it holds a site built before; default build/site)")
    build.add_argument("--course-root", type=Path, default=None,
                       help="the folder that holds course/, exercises/, examples/ and docs/ (default: found automatically)")
    build.add_argument("--cache", type=Path, default=None,
                       help="where downloads are kept between builds (default $COPLEARN_SITE_CACHE or ~/.cache/coplearn/site)")
    build.set_defaults(func=_build)
    serve = actions.add_parser("serve", help="serve a built site on this computer to try it",
                               description="Serve a built site on this computer only (http://127.0.0.1:PORT/), "
                                           "to try it before publishing. Stop it with Ctrl+C.")
    serve.add_argument("folder", type=Path, nargs="?", default=Path("build/site"),
                       help="the built site (default build/site)")
    serve.add_argument("--port", type=int, default=8000, help="the port (default 8000)")
    serve.set_defaults(func=_serve)
    site.set_defaults(func=lambda args: site.print_help() or 0)


def _build(args: argparse.Namespace) -> int:
    from coplearn.cli.main import find_course_dir
    from coplearn.site.build import SiteBuildError, build_site

    if args.folder is not None and args.output is not None and args.folder != args.output:
        print(f"coplearn site: give the folder once (either {args.folder} or -o {args.output})")
        return 2
    output = args.folder or args.output or Path("build/site")  # (walk18 L7: `site serve` takes it alone too)
    root = args.course_root.resolve() if args.course_root else find_course_dir().parent
    try:
        build_site(output, root=root, cache=args.cache)
    except SiteBuildError as exc:
        print(f"coplearn site: {exc}")
        return 1
    return 0


def _serve(args: argparse.Namespace) -> int:
    from coplearn.site.serve import make_server

    if not (args.folder / "jupyter-lite.json").exists():
        print(f"coplearn site: {args.folder} is not a built site; run `coplearn site build -o {args.folder}` first")
        return 1
    server = make_server(args.folder, "127.0.0.1", args.port)
    print(f"coplearn site: serving {args.folder} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
