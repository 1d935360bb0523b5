#!/usr/bin/env bash
# Commit what a p2p run changed and push it, without ever losing a change pushed meanwhile.
#
# Environment (set by action.yml):
#   P2P_MESSAGE     the commit message
#   P2P_BRANCH      the branch to push to
#   P2P_PATHS       space-separated paths the run may have changed, e.g. "events README.md"
#   P2P_ATTEMPTS    pushes to try before giving up (default 5)
#   P2P_PAUSE       seconds to wait before a retry, times the attempt number (default 2)
#   P2P_PUSH_TOKEN  token for fetch and push over HTTPS; empty for a remote that needs none
#
# Nothing is committed when no byte changed. When the push is refused because the branch
# moved, the run's own edits (event files) are replayed on the new tip with a three-way merge,
# and the generated files are never merged: `p2p render` builds them again from the result.
# A conflict in an event file stops the run (exit 1) with nothing pushed: the next run redoes
# the work, since every p2p command is idempotent.
set -euo pipefail

GENERATED=(README.md TAKEAWAYS.md events.ics events/schema.json p2p.schema.json)

message="${P2P_MESSAGE:?the commit message}"
branch="${P2P_BRANCH:?the branch to push to}"
read -r -a paths <<<"${P2P_PATHS:?the paths to commit}"
attempts="${P2P_ATTEMPTS:-5}"
pause="${P2P_PAUSE:-2}"

export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-github-actions[bot]}"
export GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-41898282+github-actions[bot]@users.noreply.github.com}"
export GIT_COMMITTER_NAME="${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME}"
export GIT_COMMITTER_EMAIL="${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}"

# git with the remote's credentials: the token reaches git through this helper, read from the
# environment, never through a command line or .git/config (the checkout keeps no credentials).
CREDENTIAL_HELPER='!f() { if [ "$1" = get ]; then printf "username=x-access-token\npassword=%s\n" "$P2P_PUSH_TOKEN"; fi; }; f'
remote() {
  if [ -n "${P2P_PUSH_TOKEN:-}" ]; then
    export P2P_PUSH_TOKEN
    git -c credential.helper= -c "credential.helper=$CREDENTIAL_HELPER" "$@"
  else
    git "$@"
  fi
}

# Stage the paths the run may have changed; succeed when anything is staged.
stage() {
  local path present=()
  for path in "${paths[@]}"; do
    if [ -e "$path" ] || [ -n "$(git ls-files -- "$path")" ]; then
      present+=("$path")
    fi
  done
  if [ "${#present[@]}" -gt 0 ]; then
    git add -A -- "${present[@]}"
  fi
  ! git diff --cached --quiet
}

if ! stage; then
  echo "Nothing changed: no commit."
  exit 0
fi
git commit --quiet -m "$message"

exclude=()
for file in "${GENERATED[@]}"; do
  exclude+=(":(exclude)$file")
done
patch="$(mktemp)"
trap 'rm -f "$patch"' EXIT

for ((attempt = 1; ; attempt++)); do
  if remote push --quiet origin "HEAD:refs/heads/$branch"; then
    echo "Pushed $(git rev-parse --short HEAD) to $branch."
    exit 0
  fi
  if ((attempt >= attempts)); then
    echo "::error title=Push refused::$attempts attempts to push to $branch failed; the next run tries again."
    exit 1
  fi
  echo "The push was refused (attempt $attempt of $attempts): replaying the change on the new tip of $branch."
  sleep $((pause * attempt))
  remote fetch --quiet origin "$branch"
  git diff --binary HEAD~1 HEAD -- . "${exclude[@]}" >"$patch"
  git reset --quiet --hard FETCH_HEAD
  if [ -s "$patch" ] && ! git apply --3way "$patch"; then
    echo "::error title=Conflict::$branch changed the same lines meanwhile; nothing was pushed, the next run redoes the work."
    git status --short
    exit 1
  fi
  p2p render
  if ! stage; then
    echo "$branch already holds these changes: no commit."
    exit 0
  fi
  git commit --quiet -m "$message"
done
