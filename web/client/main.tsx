/** @jsxImportSource preact */
/**
 * Entry of the Sonde web client: session, layout and the view for the current route.
 * @module
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, onUnauthorized } from "./api.ts";
import { useRoute } from "./router.ts";
import { Layout, type User } from "./components/layout.tsx";
import { Loading } from "./components/ui.tsx";
import { LoginView } from "./views/login.tsx";
import { StatusView } from "./views/status.tsx";
import { ServiceView } from "./views/service.tsx";
import { AgentsView } from "./views/agents.tsx";
import { PoolsView } from "./views/pools.tsx";
import { RequestView } from "./views/request.tsx";
import { LiveView } from "./views/live.tsx";
import { ConfigView } from "./views/config.tsx";
import { RecordingsView } from "./views/recordings.tsx";

function View({ user }: { user: User }) {
  const route = useRoute();
  const [section = "status", a, b, c] = route.path;
  switch (section) {
    case "service":
      return <ServiceView id={Number(a)} query={route.query} />;
    case "agents":
      return <AgentsView user={user} />;
    case "pools":
      if (b === "r" && c) return <RequestView pool={Number(a)} requestId={c} />;
      return <PoolsView pool={a ? Number(a) : undefined} query={route.query} />;
    case "recordings":
      if (b === "r" && c) return <RequestView recording={a} requestId={c} />;
      return <RecordingsView id={a} user={user} />;
    case "live":
      return <LiveView query={route.query} />;
    case "config":
      return <ConfigView tab={a ?? "services"} user={user} />;
    default:
      return <StatusView query={route.query} />;
  }
}

function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    onUnauthorized.fn = () => setUser(null);
    api<{ user: User | null }>("/session").then((r) => setUser(r.user), () => setUser(null));
  }, []);
  if (user === undefined) return <Loading label="Connecting…" />;
  if (user === null) return <LoginView onLogin={setUser} />;
  return (
    <Layout user={user} onLogout={() => setUser(null)}>
      <View user={user} />
    </Layout>
  );
}

render(<App />, document.getElementById("app")!);
