/**
 * A loopback stand-in for the two Lambda API operations layer/publish.sh makes, as the real AWS CLI sends
 * them (AWS_ENDPOINT_URL_LAMBDA points the CLI here): PublishLayerVersion
 * (POST /2018-10-31/layers/{name}/versions) numbers versions per region and layer from 1, and
 * AddLayerVersionPermission (POST .../versions/{n}/policy) accepts a statement for a version it published.
 * The region is the one the request is signed for. Every request is recorded: {region, op, layer, version, body}.
 *
 *   const api = await startLayersApi();  api.url, api.requests, await api.close()
 */
import http from 'node:http';

const PUBLISH = /^\/2018-10-31\/layers\/([^/]+)\/versions$/;
const PERMISSION = /^\/2018-10-31\/layers\/([^/]+)\/versions\/(\d+)\/policy$/;

export async function startLayersApi() {
  const requests = [];
  const versions = new Map();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const reply = (status, body) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      const region = /Credential=[^/]+\/\d{8}\/([^/]+)\/lambda\/aws4_request/.exec(req.headers.authorization ?? '')?.[1];
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        return reply(400, { Type: 'User', message: 'the body is not JSON' });
      }
      const url = new URL(req.url, 'http://localhost');
      const publish = PUBLISH.exec(url.pathname);
      const permission = PERMISSION.exec(url.pathname);
      if (!region || req.method !== 'POST' || (!publish && !permission)) {
        return reply(404, { Type: 'User', message: `no such operation: ${req.method} ${url.pathname} (region ${region})` });
      }
      const layer = decodeURIComponent((publish ?? permission)[1]);
      const key = `${region} ${layer}`;
      const arn = (n) => `arn:aws:lambda:${region}:111122223333:layer:${layer}:${n}`;
      if (publish) {
        const version = (versions.get(key) ?? 0) + 1;
        versions.set(key, version);
        requests.push({ region, op: 'publish', layer, body });
        return reply(201, {
          LayerArn: arn('').slice(0, -1),
          LayerVersionArn: arn(version),
          Version: version,
          Description: body.Description,
          CreatedDate: '2026-01-01T00:00:00.000+0000',
          CompatibleRuntimes: body.CompatibleRuntimes,
          CompatibleArchitectures: body.CompatibleArchitectures,
          LicenseInfo: body.LicenseInfo,
        });
      }
      const version = Number(permission[2]);
      requests.push({ region, op: 'permission', layer, version, body });
      if (version > (versions.get(key) ?? 0)) return reply(404, { Type: 'User', message: `no version ${version} of ${layer} in ${region}` });
      return reply(201, { Statement: JSON.stringify({ Sid: body.StatementId }), RevisionId: `rev-${requests.length}` });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
