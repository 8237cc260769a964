// mock-llm's recording API (tools/mock-llm/README.md).
import { MOCK_URL, ms, sleep } from './env.mjs';

export async function mockRequests() {
  const res = await fetch(`${MOCK_URL}/_mock/requests`);
  return (await res.json()).data;
}

export async function mockStats() {
  const res = await fetch(`${MOCK_URL}/_mock/stats`);
  return res.json();
}

/** The upstream requests whose body contains `marker`, oldest first. */
export async function requestsWith(marker) {
  return (await mockRequests()).filter((r) => typeof r.body === 'string' && r.body.includes(marker));
}

/** The single upstream request carrying `marker`, with its body parsed. */
export async function onlyRequestWith(marker) {
  const found = await requestsWith(marker);
  if (found.length !== 1) {
    throw new Error(`expected one upstream request with ${marker}, found ${found.length}`);
  }
  return { ...found[0], json: JSON.parse(found[0].body) };
}

/** Polls `check()` until it answers truthy or `timeout` ms pass; answers the last value. */
export async function poll(check, timeout = ms(2000), every = 25) {
  const end = Date.now() + timeout;
  let v = await check();
  while (!v && Date.now() < end) {
    await sleep(every);
    v = await check();
  }
  return v;
}
