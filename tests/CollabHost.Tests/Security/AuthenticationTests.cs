using CollabHost;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace CollabHost.Tests.Security;

/// <summary>Access tokens at the upgrade and what they allow afterwards, against the real host.</summary>
public class AuthenticationTests
{
    [Fact]
    public async Task An_upgrade_without_a_token_or_with_a_bad_one_gets_401_and_a_valid_one_in_query_or_header_upgrades()
    {
        await using var host = await SecuredHost.StartAsync();
        string valid = SecuredHost.Token("alice", write: ["docs/*"]);
        string forged = valid[..^4] + (valid[^4..] == "AAAA" ? "BBBB" : "AAAA");
        string expired = SecuredHost.Token("alice", write: ["docs/*"], lifetime: TimeSpan.FromMinutes(-2)); // past the 30 s clock skew
        string otherKey = SecuredHost.Token("alice")[..^2] + "xy";
        string algNone = "eyJhbGciOiJub25lIn0." + valid.Split('.')[1] + ".";

        Assert.Equal(HttpStatusCode.Unauthorized, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, "not-a-jwt"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, forged));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, expired));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, otherKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, algNone));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, valid));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, valid, bearerHeader: true));
    }

    [Fact]
    public async Task A_token_that_expires_during_the_session_closes_the_socket_with_1008()
    {
        // Without clock skew, so the session ends at exp itself (else at exp plus the skew).
        await using var host = await SecuredHost.StartAsync(true, "--Collab:Auth:ClockSkew=00:00:00");
        using var alice = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("alice", write: ["docs/*"], lifetime: TimeSpan.FromSeconds(3)));
        await alice.CreateAsync("docs", "expiring", "hello");
        await alice.ReceiveAsync(m => (string?)m["a"] == "op");

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await alice.ReceiveCloseAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains("expired", alice.Socket.CloseStatusDescription);
    }

    [Fact]
    public async Task A_long_lived_token_works_like_any_other()
    {
        await using var host = await SecuredHost.StartAsync();
        using var alice = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("alice", write: ["docs/*"], lifetime: TimeSpan.FromDays(400)));
        await alice.CreateAsync("docs", "lasting", "x");
        Assert.Null((await alice.ReceiveAsync(m => (string?)m["a"] == "op"))["error"]);
    }

    [Fact]
    public async Task A_read_only_editor_can_read_but_its_op_gets_an_error_and_changes_nothing()
    {
        await using var host = await SecuredHost.StartAsync();
        using var writer = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("writer", write: ["docs/*"]));
        using var reader = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("reader", read: ["docs/*"]));
        await writer.CreateAsync("docs", "plan", "original");
        await writer.ReceiveAsync(m => (string?)m["a"] == "op");

        await reader.FetchAsync("docs", "plan");
        JsonObject fetched = await reader.ReceiveAsync(m => (string?)m["a"] == "f");
        Assert.Equal("original", (string?)fetched["data"]!["data"]);

        await reader.InsertAsync("docs", "plan", 1, "defaced ");
        JsonObject refused = await reader.ReceiveAsync(m => (string?)m["a"] == "op");
        Assert.Equal("ERR_ACCESS_DENIED", (string?)refused["error"]!["code"]);
        await reader.SendAsync(new JsonObject { ["a"] = "op", ["c"] = "docs", ["d"] = "plan", ["v"] = 1, ["seq"] = reader.NextSeq(), ["del"] = true });
        Assert.Equal("ERR_ACCESS_DENIED", (string?)(await reader.ReceiveAsync(m => (string?)m["a"] == "op"))["error"]!["code"]);

        await writer.FetchAsync("docs", "plan");
        JsonObject after = await writer.ReceiveAsync(m => (string?)m["a"] == "f");
        Assert.Equal(1, (long)after["data"]!["v"]!);
        Assert.Equal("original", (string?)after["data"]!["data"]);
    }

    [Fact]
    public async Task Documents_outside_the_token_patterns_cannot_be_read_or_subscribed()
    {
        await using var host = await SecuredHost.StartAsync();
        using var owner = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("owner", write: ["*"]));
        using var guest = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("guest", read: ["public/*"]));
        await owner.CreateAsync("private", "diary", "secret text");
        await owner.ReceiveAsync(m => (string?)m["a"] == "op");

        await guest.FetchAsync("private", "diary");
        JsonObject fetch = await guest.ReceiveAsync(m => (string?)m["a"] == "f");
        Assert.Equal("ERR_ACCESS_DENIED", (string?)fetch["error"]!["code"]);
        Assert.Null(fetch["data"]);
        await guest.SendAsync(new JsonObject { ["a"] = "s", ["c"] = "private", ["d"] = "diary" });
        Assert.Equal("ERR_ACCESS_DENIED", (string?)(await guest.ReceiveAsync(m => (string?)m["a"] == "s"))["error"]!["code"]);
        await guest.SendAsync(new JsonObject { ["a"] = "bs", ["c"] = "private", ["b"] = new JsonArray("diary") });
        Assert.Equal("ERR_ACCESS_DENIED", (string?)(await guest.ReceiveAsync(m => (string?)m["a"] == "bs"))["error"]!["code"]);
        await guest.SendAsync(new JsonObject { ["a"] = "ps", ["ch"] = "private.diary", ["seq"] = 1 });
        Assert.Equal("ERR_ACCESS_DENIED", (string?)(await guest.ReceiveAsync(m => (string?)m["a"] == "ps"))["error"]!["code"]);
    }

    [Fact]
    public async Task Presence_carries_the_authenticated_name_not_the_one_the_client_claims()
    {
        await using var host = await SecuredHost.StartAsync();
        using var alice = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("alice", write: ["docs/*"], name: "Alice Liddell"));
        using var bob = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("bob", read: ["docs/*"], name: "Bob"));
        await alice.CreateAsync("docs", "room", "hello");
        await alice.ReceiveAsync(m => (string?)m["a"] == "op");
        await bob.SendAsync(new JsonObject { ["a"] = "ps", ["ch"] = "docs.room", ["seq"] = 1 });
        await bob.ReceiveAsync(m => (string?)m["a"] == "ps");

        await alice.SendAsync(new JsonObject
        {
            ["a"] = "p", ["ch"] = "docs.room", ["id"] = "cursor-1", ["pv"] = 1, ["c"] = "docs", ["d"] = "room", ["v"] = 1,
            ["t"] = ProtocolSocket.TextUnicode, ["p"] = new JsonObject { ["index"] = 2, ["name"] = "Mallory" },
        });
        JsonObject seen = await bob.ReceiveAsync(m => (string?)m["a"] == "p");
        Assert.Equal("Alice Liddell", (string?)seen["p"]!["name"]);
        Assert.Equal(2, (int)seen["p"]!["index"]!);
        Assert.Equal(alice.ClientId, (string?)seen["src"]);
    }

    [Fact]
    public async Task An_editor_cannot_take_another_editors_src_neither_by_handshake_nor_in_an_op()
    {
        await using var host = await SecuredHost.StartAsync();
        using var alice = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("alice", write: ["docs/*"]));
        using var mallory = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("mallory", write: ["docs/*"]),
            previousId: alice.ClientId);
        Assert.NotEqual(alice.ClientId, mallory.ClientId);

        await alice.CreateAsync("docs", "shared", "abc");
        await alice.ReceiveAsync(m => (string?)m["a"] == "op");
        // Mallory forges alice's next (src, seq): were it committed, alice's real op with that seq would be taken for a resend and dropped.
        await mallory.SendAsync(new JsonObject
        {
            ["a"] = "op", ["c"] = "docs", ["d"] = "shared", ["v"] = 1, ["src"] = alice.ClientId, ["seq"] = 2, ["op"] = new JsonArray("X"),
        });
        Assert.Equal("ERR_ACCESS_DENIED", (string?)(await mallory.ReceiveAsync(m => (string?)m["a"] == "op"))["error"]!["code"]);

        await alice.InsertAsync("docs", "shared", 1, "Z");
        JsonObject ack = await alice.ReceiveAsync(m => (string?)m["a"] == "op");
        Assert.Null(ack["error"]);
        await alice.FetchAsync("docs", "shared");
        Assert.Equal("Zabc", (string?)(await alice.ReceiveAsync(m => (string?)m["a"] == "f"))["data"]!["data"]);

        // The same subject may resume its own id after a reconnect, so its resent ops still dedupe.
        using var aliceAgain = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("alice", write: ["docs/*"]),
            previousId: alice.ClientId);
        Assert.Equal(alice.ClientId, aliceAgain.ClientId);
    }

    [Fact]
    public async Task A_host_without_authentication_says_so_in_the_log_and_one_with_it_does_not()
    {
        await using (var open = await SecuredHost.StartAsync(false))
            Assert.Contains(open.Logs, line => line.StartsWith("Warning") && line.Contains("AUTHENTICATION IS OFF"));
        await using var secured = await SecuredHost.StartAsync(true);
        Assert.DoesNotContain(secured.Logs, line => line.Contains("AUTHENTICATION IS OFF"));

        var weak = Assert.Throws<InvalidOperationException>(() => CollabHostApp.Build(
            ["--urls", "http://127.0.0.1:0", "--Collab:Auth:Enabled=true", "--Collab:Auth:Secret=too-short"]));
        Assert.Contains("at least 32 bytes", weak.Message);
    }

    [Fact]
    public async Task Neither_tokens_nor_document_text_appear_in_the_log()
    {
        await using var host = await SecuredHost.StartAsync(true, "--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Microsoft.AspNetCore=Trace");
        string token = SecuredHost.Token("alice", write: ["docs/*"]);
        using (var alice = await ProtocolSocket.OpenAsync(host.WebSocketUrl, token))
        {
            await alice.CreateAsync("docs", "logged", "TOP-SECRET-PLANS");
            await alice.ReceiveAsync(m => (string?)m["a"] == "op");
            await alice.InsertAsync("docs", "logged", 1, "MORE-SECRET-WORDS");
            await alice.ReceiveAsync(m => (string?)m["a"] == "op");
            await alice.InsertAsync("docs", "logged", 99, "REFUSED-SECRET-WORDS");
            await alice.ReceiveAsync(m => (string?)m["a"] == "op");
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, token + "x"));

        string signature = token.Split('.')[2];
        Assert.NotEmpty(host.Logs);
        Assert.DoesNotContain(host.Logs, line => line.Contains(signature));
        Assert.DoesNotContain(host.Logs, line => line.Contains("SECRET"));
    }
}
