#!/usr/bin/env bash
# Publishes the layer zip to every commercial AWS region with the AWS CLI: one layer version per region,
# compatible with nodejs18.x to nodejs24.x on x86_64 and arm64 (the layer is JavaScript and WebAssembly only,
# so one zip serves every runtime and architecture), then grants use of it to the accounts and organizations
# named, and writes the ARNs to a Markdown table (docs/regions.md).
#
#   layer/publish.sh [--dry-run] [--zip FILE] [--layer-name NAME] [--regions r1,r2,...] [--doc FILE]
#                    [--grant-account ID]... [--grant-organization o-ID]... [--public]
#
# --dry-run prints each AWS CLI call instead of making it (no AWS CLI or credentials needed) and writes the
# table with the ARN pattern (<ACCOUNT_ID>, <VERSION>). ./build.sh publish builds the zip first, then runs this.
# V8FP_AWS_CLI names another AWS CLI command than `aws`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Every commercial region (the aws partition; not GovCloud, China or the sovereign cloud), in this order in
# the table. Regions that are opt-in need the account to have enabled them.
REGIONS=(
  us-east-1 us-east-2 us-west-1 us-west-2
  af-south-1
  ap-east-1 ap-east-2 ap-south-1 ap-south-2 ap-northeast-1 ap-northeast-2 ap-northeast-3
  ap-southeast-1 ap-southeast-2 ap-southeast-3 ap-southeast-4 ap-southeast-5 ap-southeast-6 ap-southeast-7
  ca-central-1 ca-west-1
  eu-central-1 eu-central-2 eu-west-1 eu-west-2 eu-west-3 eu-south-1 eu-south-2 eu-north-1
  il-central-1
  me-south-1 me-central-1
  mx-central-1
  sa-east-1
)
RUNTIMES=(nodejs18.x nodejs20.x nodejs22.x nodejs24.x)
ARCHITECTURES=(x86_64 arm64)

usage() {
  echo "usage: $0 [--dry-run] [--zip FILE] [--layer-name NAME] [--regions r1,r2,...] [--doc FILE]" >&2
  echo "          [--grant-account ID]... [--grant-organization o-ID]... [--public]" >&2
  exit 2
}
fail() { echo "publish: $*" >&2; exit 1; }

dry_run=""
aws="${V8FP_AWS_CLI:-aws}"
zip="dist/v8-footprints-layer.zip"
layer_name="v8-footprints"
doc="docs/regions.md"
regions=("${REGIONS[@]}")
accounts=()
organizations=()
public=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=1 ;;
    --zip) [ $# -ge 2 ] || usage; zip="$2"; shift ;;
    --layer-name) [ $# -ge 2 ] || usage; layer_name="$2"; shift ;;
    --doc) [ $# -ge 2 ] || usage; doc="$2"; shift ;;
    --regions) [ $# -ge 2 ] || usage; IFS=, read -r -a regions <<< "$2"; shift ;;
    --grant-account) [ $# -ge 2 ] || usage; accounts+=("$2"); shift ;;
    --grant-organization) [ $# -ge 2 ] || usage; organizations+=("$2"); shift ;;
    --public) public=1 ;;
    *) echo "publish: unknown argument '$1'" >&2; usage ;;
  esac
  shift
done

# Arguments checked before any call: a typo must not leave a half-published set of regions.
[[ "$layer_name" =~ ^[A-Za-z0-9_-]{1,64}$ ]] || fail "--layer-name '$layer_name' is not a layer name (letters, digits, - and _, at most 64)"
[ ${#regions[@]} -gt 0 ] || fail "--regions names no region"
for r in "${regions[@]}"; do
  known=""
  for k in "${REGIONS[@]}"; do [ "$r" = "$k" ] && known=1; done
  [ -n "$known" ] || fail "--regions: '$r' is not a commercial region this script publishes to (${REGIONS[*]})"
done
for a in ${accounts[@]+"${accounts[@]}"}; do
  [[ "$a" =~ ^[0-9]{12}$ ]] || fail "--grant-account '$a' is not a 12-digit account id"
done
for o in ${organizations[@]+"${organizations[@]}"}; do
  [[ "$o" =~ ^o-[a-z0-9]{10,32}$ ]] || fail "--grant-organization '$o' is not an organization id (o- and 10 to 32 letters or digits)"
done
[ -f "$zip" ] || fail "the layer zip '$zip' is missing (build it with ./build.sh pkg)"
if [ -z "$dry_run" ]; then
  command -v "$aws" >/dev/null 2>&1 || fail "the AWS CLI ($aws) is not installed; --dry-run prints the calls without it"
fi

version="$(node "$root/tools/version.mjs")"
sha256="$(sha256sum "$zip" | cut -d' ' -f1)"
description="v8-footprints $version (sha256 $sha256)"

# One argument as the shell reads it: bare when it has only safe characters, else in single quotes.
quote() {
  if [[ "$1" =~ ^[A-Za-z0-9_./:=@,+%-]+$ ]]; then printf '%s' "$1"; else printf "'%s'" "${1//\'/\'\\\'\'}"; fi
}
# Prints the call on the script's standard output (fd 3, also from inside $(...)); runs it unless dry-run
# (the call's own standard output is its answer).
exec 3>&1
call() {
  local line="" arg
  for arg in "$@"; do line+="${line:+ }$(quote "$arg")"; done
  echo "$line" >&3
  if [ -z "$dry_run" ]; then "$@"; fi
}

arns=()
for region in "${regions[@]}"; do
  arn="$(call "$aws" lambda publish-layer-version --region "$region" --layer-name "$layer_name" \
    --description "$description" --license-info MIT \
    --compatible-runtimes "${RUNTIMES[@]}" --compatible-architectures "${ARCHITECTURES[@]}" \
    --zip-file "fileb://$zip" --query LayerVersionArn --output text)"
  if [ -n "$dry_run" ]; then
    arn="arn:aws:lambda:$region:<ACCOUNT_ID>:layer:$layer_name:<VERSION>"
    number="<VERSION>"
  else
    [[ "$arn" =~ ^arn:aws:lambda:$region:[0-9]{12}:layer:$layer_name:([0-9]+)$ ]] || fail "$region: unexpected answer '$arn'"
    number="${BASH_REMATCH[1]}"
  fi
  arns+=("$arn")
  for a in ${accounts[@]+"${accounts[@]}"}; do
    call "$aws" lambda add-layer-version-permission --region "$region" --layer-name "$layer_name" \
      --version-number "$number" --statement-id "account-$a" --action lambda:GetLayerVersion \
      --principal "$a" --output text >/dev/null
  done
  for o in ${organizations[@]+"${organizations[@]}"}; do
    call "$aws" lambda add-layer-version-permission --region "$region" --layer-name "$layer_name" \
      --version-number "$number" --statement-id "organization-$o" --action lambda:GetLayerVersion \
      --principal '*' --organization-id "$o" --output text >/dev/null
  done
  if [ -n "$public" ]; then
    call "$aws" lambda add-layer-version-permission --region "$region" --layer-name "$layer_name" \
      --version-number "$number" --statement-id public --action lambda:GetLayerVersion \
      --principal '*' --output text >/dev/null
  fi
done

mkdir -p "$(dirname "$doc")"
{
  echo "# Layer ARNs by region"
  echo
  if [ -n "$dry_run" ]; then
    echo "Written by \`./build.sh publish --dry-run\`: the ARN pattern of version $version in each region."
    echo "\`./build.sh publish\` replaces it with the ARNs it published (<ACCOUNT_ID> is the publishing account,"
    echo "<VERSION> the layer version number Lambda gave). See [deploy.md](deploy.md)."
  else
    echo "Written by \`./build.sh publish\`: v8-footprints $version, zip sha256 \`$sha256\`. See [deploy.md](deploy.md)."
  fi
  echo
  echo "Compatible runtimes: ${RUNTIMES[*]}; architectures: ${ARCHITECTURES[*]}."
  echo
  echo "| region | layer version ARN |"
  echo "| --- | --- |"
  for i in "${!regions[@]}"; do echo "| ${regions[$i]} | \`${arns[$i]}\` |"; done
} > "$doc"
echo "publish: ${#regions[@]} regions${dry_run:+ (dry run)}; ARNs in $doc" >&2
