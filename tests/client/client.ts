// A small program a Next.js team could write against the generated client: it calls every
// operation of specs/openapi.json once, as a newcomer would (register, log in, tasks, chat),
// and records each answer for test_typescript_client.py to check against its schema.
// Usage: node build/client.js <base URL> <record file>
import { writeFileSync } from "node:fs";
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api.js";

type Task = components["schemas"]["TaskPublic"];

interface Answer {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

const [baseUrl, recordFile] = process.argv.slice(2);
if (!baseUrl || !recordFile) throw new Error("usage: client.js <base URL> <record file>");

const answers: Answer[] = [];
const client = createClient<paths>({ baseUrl });
client.use({
  async onResponse({ request, response, schemaPath }) {
    const text = await response.clone().text();
    answers.push({
      method: request.method.toLowerCase(),
      path: schemaPath,
      status: response.status,
      body: text ? JSON.parse(text) : null,
    });
    if (!response.ok) throw new Error(`${request.method} ${schemaPath}: ${response.status} ${text}`);
    return response;
  },
});

// The answer's body, typed by the client; the middleware above has already refused errors.
function body<T>(result: { data?: T }): T {
  if (result.data === undefined) throw new Error("no body");
  return result.data;
}

const me = { path: { user_id: "me" } } as const;
const email = `client-${Date.now()}@example.com`;
const password = "correct horse battery";

await client.GET("/api/health");
await client.GET("/api/health/ready");
await client.POST("/api/auth/register", { body: { email, password } });
const form = body(
  await client.POST("/api/auth/token", {
    body: { username: email, password },
    bodySerializer: (fields) => new URLSearchParams(fields as Record<string, string>),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  }),
);
const session = body(await client.POST("/api/auth/login", { body: { email, password } }));
const refreshed = body(
  await client.POST("/api/auth/refresh", { body: { refresh_token: session.refresh_token } }),
);
await client.POST("/api/auth/logout", { body: { refresh_token: form.refresh_token } });

client.use({
  onRequest({ request }) {
    request.headers.set("Authorization", `Bearer ${refreshed.access_token}`);
    return request;
  },
});
const user = body(await client.GET("/api/auth/me"));
const userEmail: string | null = user.email;

// A personal access token for an MCP client: its value is shown once, then listed without it.
const personal = body(
  await client.POST("/api/auth/tokens", { body: { name: "IDE assistant", scope: "tasks" } }),
);
const personalTokens = body(await client.GET("/api/auth/tokens"));
await client.DELETE("/api/auth/tokens/{token_id}", { params: { path: { token_id: personal.id } } });

// Only a title: every other field of TaskCreate has a default, so it is optional.
const created: Task = body(
  await client.POST("/api/{user_id}/tasks", { params: me, body: { title: "Buy milk" } }),
);
// Always-present fields are required in TaskPublic: no `undefined` to handle.
const done: boolean = created.completed;
const tags: string[] = created.tags;
const task = { path: { user_id: "me", task_id: created.id } };

const listed: Task[] = body(
  await client.GET("/api/{user_id}/tasks", {
    params: { ...me, query: { status: "pending", sort: "due_date", order: "asc", limit: 10 } },
  }),
);
await client.GET("/api/{user_id}/tasks/{task_id}", { params: task });
await client.PATCH("/api/{user_id}/tasks/{task_id}", {
  params: task,
  body: { priority: "high", tags: ["errands"] },
});
await client.PUT("/api/{user_id}/tasks/{task_id}", {
  params: task,
  body: { due_date: "2026-12-01" },
});
const toggled = body(
  await client.PATCH("/api/{user_id}/tasks/{task_id}/complete", { params: task }),
);
const stats = body(await client.GET("/api/{user_id}/tasks/stats", { params: me }));
const high: number = stats.by_priority.high;
await client.GET("/api/{user_id}/tags", { params: me });

const answered = body(
  await client.POST("/api/{user_id}/chat", {
    params: me,
    body: { message: "add call mom tomorrow at 5pm #family" },
  }),
);
// The route also streams (Accept: text/event-stream); without that header it answers JSON.
if (typeof answered === "string") throw new Error("asked for JSON, got a stream");
const reply = answered;
const conversation = { path: { user_id: "me", conversation_id: reply.conversation_id } };
await client.GET("/api/{user_id}/conversations", { params: me });
await client.GET("/api/{user_id}/conversations/{conversation_id}", { params: conversation });
// A ChatKit frontend's requests that answer JSON (new messages stream; see the README).
await client.POST("/api/chatkit", { body: { type: "threads.list", params: { limit: 20 } } });
await client.DELETE("/api/{user_id}/conversations/{conversation_id}", { params: conversation });
await client.DELETE("/api/{user_id}/tasks/{task_id}", { params: task });

if (done || !toggled.completed || listed.length !== 1 || high !== 1 || tags.length !== 0) {
  throw new Error("the answers do not add up");
}
if (userEmail !== email || reply.tool_calls.length === 0) throw new Error("unexpected chat");
if (personalTokens.length !== 1 || !personal.token) throw new Error("unexpected tokens");
writeFileSync(recordFile, JSON.stringify(answers, null, 2));
