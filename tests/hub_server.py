"""A Hugging Face hub on 127.0.0.1 for tests: the part of its HTTP API that downloads use.

``huggingface_hub`` (pointed here through ``HF_ENDPOINT``) asks for:

- ``GET /api/models/{repo}[/revision/{rev}]`` — model info: commit ``sha``,
  ``siblings`` (with sizes when ``blobs`` is asked for), ``cardData``;
- ``GET /api/models/{repo}/tree/{rev}?recursive=…`` — the file list;
- ``HEAD /{repo}/resolve/{rev}/{file}`` — ``X-Repo-Commit``, ``ETag``,
  ``Content-Length``; then ``GET`` of the same, honouring ``Range`` (resume).

Files are listed as the real hub lists them: weights and sentencepiece
models are Git LFS files (their SHA-256 in ``lfs``, and as the ETag), the
others plain git blobs (their git object id as ``blobId``/``oid`` and ETag).
Errors carry ``X-Error-Code`` (``RepoNotFound``, ``EntryNotFound``) as the
real hub's do. Faults can be injected: a connection that drops part-way
through a file, once or every time; a file the listing names but the
server lacks; a file served with the right size but wrong bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_INFO = re.compile(r"^/api/models/(?P<repo>[^?]+?)(?:/revision/(?P<rev>[^/?]+))?(?:\?.*)?$")
_TREE = re.compile(r"^/api/models/(?P<repo>.+)/tree/(?P<rev>[^/?]+)")
_RESOLVE = re.compile(r"^/(?P<repo>.+?)/resolve/(?P<rev>[^/]+)/(?P<file>[^?]+)")
_RANGE = re.compile(r"bytes=(\d+)-(\d*)")
# Files the hub keeps in Git LFS (the default .gitattributes of a model repo covers these).
LFS_SUFFIXES = (".safetensors", ".bin", ".model", ".spm")


def git_object_id(data: bytes) -> str:
    """The id git gives a blob of ``data`` (the hub's ``blobId`` of a file kept in git)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def garble(data: bytes) -> bytes:
    """``data`` with 100 bytes in its middle flipped: the same size, other bytes."""
    start = max(0, len(data) // 2 - 50)
    return data[:start] + bytes(b ^ 0xFF for b in data[start : start + 100]) + data[start + 100 :]


@dataclass
class HubRepo:
    """A model repo served by the fake hub: its files (name -> bytes) and licence."""

    files: dict[str, bytes]
    licence: str | None = "apache-2.0"
    missing: set[str] = field(default_factory=set)  # listed, but 404 when fetched

    @property
    def sha(self) -> str:
        digest = hashlib.sha1()
        for name in sorted(self.files):
            digest.update(name.encode() + hashlib.sha1(self.files[name]).digest())
        return digest.hexdigest()

    def lfs(self, name: str) -> dict[str, object] | None:
        """The Git LFS facts of file ``name`` (None for a file kept in git)."""
        if not name.endswith(LFS_SUFFIXES):
            return None
        data = self.files[name]
        return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "pointerSize": len(self.pointer(name))}

    def pointer(self, name: str) -> bytes:
        """What git holds for LFS file ``name``."""
        data = self.files[name]
        oid = hashlib.sha256(data).hexdigest()
        return f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(data)}\n".encode()

    def blob_id(self, name: str) -> str:
        """The git object id of what git holds for ``name`` (its LFS pointer, for an LFS file)."""
        return git_object_id(self.pointer(name) if self.lfs(name) else self.files[name])

    def etag(self, name: str) -> str:
        """The hub's ETag for ``name``: the SHA-256 of an LFS file, the git object id of the others."""
        lfs = self.lfs(name)
        return str(lfs["sha256"]) if lfs else self.blob_id(name)


@dataclass
class FakeHub:
    """The hub's state, and what it was asked (``requests``: method, path, Range header)."""

    endpoint: str = ""
    repos: dict[str, HubRepo] = field(default_factory=dict)
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    drop_after: dict[str, int] = field(default_factory=dict)  # file -> bytes sent before the connection drops
    drops_left: dict[str, int] = field(default_factory=dict)  # file -> how many more times to drop
    slow_s: float = 0.0  # pause between 64 kB pieces, so a test can cancel mid-download
    xet: bool = False  # also announce Xet storage (X-Xet-Hash), as the real hub does for large files
    garbled: set[str] = field(default_factory=set)  # files served with the right size but wrong bytes

    def add(self, repo_id: str, folder: Path, *, licence: str | None = "apache-2.0", missing: tuple[str, ...] = ()):
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
        for name in missing:
            files.setdefault(name, b"{}")
        self.repos[repo_id] = HubRepo(files, licence, set(missing))
        return self.repos[repo_id]

    def size(self, repo_id: str) -> int:
        return sum(len(data) for data in self.repos[repo_id].files.values())


def _handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _json(self, payload: object, status: int = 200, **headers: str) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: int, code: str) -> None:
            self._json({"error": code}, status, X_Error_Code=code, X_Error_Message=code)

        def _repo(self, repo_id: str, rev: str) -> HubRepo | None:
            repo = hub.repos.get(repo_id)
            if repo is None:
                self._error(404 if repo_id.count("/") <= 1 else 401, "RepoNotFound")
                return None
            if rev not in ("main", repo.sha):
                self._error(404, "RevisionNotFound")
                return None
            return repo

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            hub.requests.append((self.command, self.path, self.headers.get("Range")))
            if match := _TREE.match(self.path):
                if (repo := self._repo(match["repo"], match["rev"])) is None:
                    return
                tree = []
                for name, data in repo.files.items():
                    entry: dict[str, object] = {
                        "type": "file",
                        "path": name,
                        "size": len(data),
                        "oid": repo.blob_id(name),
                    }
                    if lfs := repo.lfs(name):
                        entry["lfs"] = {"oid": lfs["sha256"], "size": lfs["size"], "pointerSize": lfs["pointerSize"]}
                    tree.append(entry)
                self._json(tree)
            elif match := _INFO.match(self.path):
                if (repo := self._repo(match["repo"], match["rev"] or "main")) is None:
                    return
                siblings = []
                for name, data in repo.files.items():
                    sibling: dict[str, object] = {"rfilename": name, "size": len(data), "blobId": repo.blob_id(name)}
                    if lfs := repo.lfs(name):
                        sibling["lfs"] = lfs
                    siblings.append(sibling)
                card = {"license": repo.licence} if repo.licence else {}
                self._json(
                    {
                        "id": match["repo"],
                        "sha": repo.sha,
                        "private": False,
                        "siblings": siblings,
                        "cardData": card,
                        "tags": [],
                    }
                )
            elif match := _RESOLVE.match(self.path):
                if (repo := self._repo(match["repo"], match["rev"])) is None:
                    return
                name = match["file"]
                if name not in repo.files or name in repo.missing:
                    self._error(404, "EntryNotFound")
                    return
                self._file(repo, name)
            else:
                self._error(404, "RepoNotFound")

        def _file(self, repo: HubRepo, name: str) -> None:
            data = garble(repo.files[name]) if name in hub.garbled else repo.files[name]
            start = 0
            wanted = _RANGE.match(self.headers.get("Range") or "")
            if wanted:
                start = int(wanted[1])
            self.send_response(206 if wanted else 200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data) - start))
            if wanted:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.send_header("ETag", f'"{repo.etag(name)}"')  # what the listing says, whatever the bytes sent
            self.send_header("X-Repo-Commit", repo.sha)
            if hub.xet:
                self.send_header("X-Xet-Hash", hashlib.sha256(data).hexdigest())
                self.send_header(
                    "X-Xet-Refresh-Route", f"/api/models/{self.path.split('/resolve/')[0][1:]}/xet-read-token"
                )
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            if self.command == "HEAD":
                return
            body = data[start:]
            if self.command == "GET" and hub.drops_left.get(name, 0) > 0:
                hub.drops_left[name] -= 1
                self.wfile.write(body[: hub.drop_after.get(name, len(body) // 2)])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)  # the connection drops mid-file
                return
            for offset in range(0, len(body), 65536):
                if hub.slow_s:
                    threading.Event().wait(hub.slow_s)
                self.wfile.write(body[offset : offset + 65536])

    return Handler


@contextmanager
def serve_hub() -> Iterator[FakeHub]:
    """Run a fake hub on 127.0.0.1 in a thread; yields it with ``endpoint`` set."""
    hub = FakeHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hub))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hub.endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield hub
    finally:
        server.shutdown()
        server.server_close()
