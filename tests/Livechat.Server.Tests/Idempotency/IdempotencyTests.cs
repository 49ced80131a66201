using System.Text;
using System.Text.Json;
using Livechat.Server.Data;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Tests.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c>: at most once per key and caller, replays the stored answer, refuses a reused key with another
/// request, holds across processes and restarts (keys are in the database), and expired keys are cleaned up.
/// </summary>
public abstract class IdempotencyTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task RetryWithTheSameKeyExecutesOnceAndReplaysTheAnswer()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var key = TestUsers.Unique("key");
        var body = new { message = new { rid, msg = "exactly once" } };

        var first = await PostAsync(agent.Api, "chat.sendMessage", body, key);
        var second = await PostAsync(agent.Api, "chat.sendMessage", body, key);

        first.Ok();
        Assert.Equal((first.Code, first.Body), (second.Code, second.Body));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("application/json", second.ContentHeaders!.ContentType!.ToString());
        Assert.Equal(1, await MessagesAsync(rid, "exactly once"));
    }

    [Fact]
    public async Task RacingRequestsWithTheSameKeyExecuteOnceAndAllGetTheSameAnswer()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var key = TestUsers.Unique("key");
        var body = new { message = new { rid, msg = "raced" } };

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(agent.Api, "chat.sendMessage", body, key)));

        Assert.All(replies, r => r.Ok());
        Assert.Single(replies.Select(r => r.Body).Distinct());
        Assert.Equal(7, replies.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        Assert.Equal(1, await MessagesAsync(rid, "raced"));
    }

    [Fact]
    public async Task SameKeyWithAnotherBodyAnswers422AndWritesNothing()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var key = TestUsers.Unique("key");
        (await PostAsync(agent.Api, "chat.sendMessage", new { message = new { rid, msg = "one" } }, key)).Ok();

        var reused = await PostAsync(agent.Api, "chat.sendMessage", new { message = new { rid, msg = "two" } }, key);
        var otherPath = await PostAsync(agent.Api, "livechat/room.saveInfo", new { }, key);

        const string Reused = """{"success":false,"error":"This Idempotency-Key was used with a different request [error-idempotency-key-reused]","errorType":"error-idempotency-key-reused"}""";
        reused.Is(422, Reused);
        otherPath.Is(422, Reused);
        Assert.Equal(0, await MessagesAsync(rid, "two"));
    }

    [Fact]
    public async Task KeysBelongToTheirCaller()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var admin = await factory.AdminAsync();
        var key = TestUsers.Unique("key");
        var body = new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = room.Str("_id"), topic = "per caller" } };

        var mine = await PostAsync(agent.Api, "livechat/room.saveInfo", body, key);
        var theirs = await PostAsync(admin, "livechat/room.saveInfo", body, key);

        mine.Is(200, """{"success":true}""");
        theirs.Is(200, """{"success":true}""");
        Assert.False(theirs.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task VisitorCallsAreKeyedByTheVisitorToken()
    {
        var (room, token, _, _) = await factory.CreateServedRoomAsync();
        var (otherToken, _) = await factory.CreateVisitorAsync();
        var rid = room.Str("_id");
        var key = TestUsers.Unique("key");
        var visitor = factory.Anonymous();

        var first = await PostAsync(visitor, "livechat/message", new { token, rid, msg = "from the widget" }, key);
        var retry = await PostAsync(visitor, "livechat/message", new { token, rid, msg = "from the widget" }, key);
        var someoneElse = await PostAsync(visitor, "livechat/message", new { token = otherToken, rid, msg = "from the widget" }, key);

        first.Ok();
        Assert.Equal(first.Body, retry.Body);
        someoneElse.Is(400, """{"success":false,"error":"invalid-room"}""");
        Assert.Equal(1, await MessagesAsync(rid, "from the widget"));
        var stored = await factory.WithDbAsync(db => db.IdempotencyKeys.AsNoTracking().Where(k => k.Key == key).Select(k => k.Caller).ToListAsync());
        Assert.All(stored, caller => Assert.DoesNotContain(token, caller, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ErrorAnswersAreReplayedToo()
    {
        var agent = await factory.CreateAgentAsync();
        var key = TestUsers.Unique("key");
        var body = new { message = new { rid = "no-such-room", msg = "x" } };

        var first = await PostAsync(agent.Api, "chat.sendMessage", body, key);
        var second = await PostAsync(agent.Api, "chat.sendMessage", body, key);

        first.Is(400, """{"success":false,"error":"[error-invalid-room]","errorType":"error-invalid-room"}""");
        Assert.Equal(first.Body, second.Body);
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task AKeyHoldsAcrossServerProcessesAndRestarts()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var key = TestUsers.Unique("key");
        var body = new { message = new { rid, msg = "survives" } };
        var first = (await PostAsync(agent.Api, "chat.sendMessage", body, key)).Ok();

        using var other = new PeerServerFactory(factory);
        var elsewhere = await PostAsync(other.Anonymous().As(agent.Api.UserId!, agent.Api.Token!), "chat.sendMessage", body, key);

        Assert.Equal(first.Body, elsewhere.Body);
        Assert.True(elsewhere.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, await MessagesAsync(rid, "survives"));
    }

    [Fact]
    public async Task ExpiredKeysAreCleanedUpAndRunAgain()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var key = TestUsers.Unique("key");
        var body = new { message = new { rid, msg = "expires" } };
        (await PostAsync(agent.Api, "chat.sendMessage", body, key)).Ok();
        var later = DateTime.UtcNow.AddHours(24).AddMinutes(1);

        var removed = await factory.WithDbAsync(db => Housekeeping.RunOnceAsync(db, later));
        var again = await PostAsync(agent.Api, "chat.sendMessage", body, key);

        Assert.True(removed >= 1);
        again.Ok();
        Assert.False(again.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, await MessagesAsync(rid, "expires"));
    }

    [Theory]
    [InlineData(256)]
    [InlineData(0)]
    public async Task AnInvalidKeyAnswers400(int length)
    {
        var key = length == 0 ? "has space" : new string('k', length);
        var agent = await factory.CreateAgentAsync();

        var reply = await PostAsync(agent.Api, "chat.sendMessage", new { message = new { rid = "x", msg = "x" } }, key);

        reply.Is(400, """{"success":false,"error":"Idempotency-Key must be 1 to 255 visible ASCII characters [error-idempotency-key-invalid]","errorType":"error-idempotency-key-invalid"}""");
    }

    [Theory]
    [InlineData("login")]
    [InlineData("login/")]
    [InlineData("LOGIN/")]
    public async Task LoginAnswersAreNeverStoredWhateverThePathSpelling(string path)
    {
        var user = await factory.CreateUserAsync();
        var key = TestUsers.Unique("key");
        var body = new { user = user.Username, password = user.Password };

        var first = (await PostAsync(factory.Anonymous(), path, body, key)).Ok();
        var second = (await PostAsync(factory.Anonymous(), path, body, key)).Ok();

        Assert.False(second.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(first.Json.GetProperty("data").Str("authToken"), second.Json.GetProperty("data").Str("authToken"));
        Assert.Equal(0, await KeysAsync(key));
    }

    [Fact]
    public async Task PersonalAccessTokensAndVisitorRegistrationsAreNeverStored()
    {
        var user = await factory.CreateUserAsync();
        var key = TestUsers.Unique("key");

        var token = (await PostAsync(user.Api, "users.generatePersonalAccessToken/", new { tokenName = "idempotent" }, key)).Ok();
        var visitorToken = TestUsers.Unique("visitor");
        (await PostAsync(factory.Anonymous(), "livechat/visitor", new { visitor = new { token = visitorToken } }, key)).Ok();

        Assert.False(token.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(0, await KeysAsync(key));
        var stored = await factory.WithDbAsync(db => db.IdempotencyKeys.AsNoTracking().Select(k => k.Body).ToListAsync());
        Assert.DoesNotContain(stored, b => b != null && (b.Contains(token.Json.Str("token"), StringComparison.Ordinal)
            || b.Contains(visitorToken, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ThrownAndReturnedBadRequestsAreBothStoredAndReplayed()
    {
        var agent = await factory.CreateAgentAsync();
        var key = TestUsers.Unique("key");

        // Malformed JSON is thrown by the framework and answered by the exception handler: stored like a returned 400.
        var first = await SendAsync(agent.Api, "chat.sendMessage", """{"message":""", key);
        var second = await SendAsync(agent.Api, "chat.sendMessage", """{"message":""", key);

        first.Is(400, """{"success":false,"error":"Invalid JSON body [error-invalid-json]","errorType":"error-invalid-json"}""");
        Assert.Equal(first.Body, second.Body);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task AForbiddenAnswerReleasesTheKeySoARetryWithThePermissionRuns()
    {
        var admin = await factory.AdminAsync();
        var monitor = await factory.CreateUserAsync("user", "livechat-monitor");
        var key = TestUsers.Unique("key");
        var body = new { username = monitor.Username };
        const string Denied = """{"success":false,"error":"User does not have the permissions required for this action [error-unauthorized]"}""";

        (await PostAsync(monitor.Api, "livechat/users/manager", body, key)).Is(403, Denied);
        Assert.Equal(0, await KeysAsync(key));
        var grant = new { permissions = new[] { new { _id = "manage-livechat-managers", roles = new[] { "livechat-manager", "livechat-monitor", "admin" } } } };
        (await admin.PostAsync("permissions.update", grant)).Ok();
        try
        {
            var retry = await PostAsync(monitor.Api, "livechat/users/manager", body, key);

            retry.Ok();
            Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
            Assert.Equal(1, await KeysAsync(key));
        }
        finally
        {
            (await admin.PostAsync("permissions.update", new { permissions = new[] { new { _id = "manage-livechat-managers", roles = new[] { "livechat-manager", "admin" } } } })).Ok();
        }
    }

    [Fact]
    public async Task AReplayKeepsPreferenceApplied()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var key = TestUsers.Unique("key");
        var body = JsonSerializer.Serialize(new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = room.Str("_id"), topic = "once" } });

        var first = await SendAsync(agent.Api, "livechat/room.saveInfo", body, key, ("Prefer", "return=representation"));
        var second = await SendAsync(agent.Api, "livechat/room.saveInfo", body, key, ("Prefer", "return=representation"));

        first.Ok();
        Assert.Equal(first.Body, second.Body);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("return=representation", second.Headers.GetValues("Preference-Applied").Single());
        Assert.Equal(first.Headers.ETag!.ToString(), second.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task KeysOfVisitorsAndAnonymousCallersExpireAfterAnHour()
    {
        var (room, token, _, _) = await factory.CreateServedRoomAsync();
        var key = TestUsers.Unique("key");
        var before = DateTime.UtcNow;
        (await PostAsync(factory.Anonymous(), "livechat/message", new { token, rid = room.Str("_id"), msg = "short-lived" }, key)).Ok();

        var expires = await factory.WithDbAsync(db => db.IdempotencyKeys.AsNoTracking().Where(k => k.Key == key).Select(k => k.ExpiresAt).SingleAsync());
        await factory.WithDbAsync(db => Housekeeping.RunOnceAsync(db, before.AddMinutes(61)));

        Assert.InRange(expires, before.AddMinutes(59), before.AddMinutes(61));
        Assert.Equal(0, await KeysAsync(key));
    }

    static Task<Reply> PostAsync(ApiClient api, string path, object body, string key) => SendAsync(api, path, JsonSerializer.Serialize(body), key);

    static Task<Reply> SendAsync(ApiClient api, string path, string body, string key, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/{path}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return api.SendAsync(request);
    }

    Task<int> KeysAsync(string key) => factory.WithDbAsync(db => db.IdempotencyKeys.CountAsync(k => k.Key == key));

    Task<int> MessagesAsync(string rid, string text) => factory.WithDbAsync(db => db.Messages.CountAsync(m => m.Rid == rid && m.Msg == text));
}

public sealed class IdempotencySqliteTests(SqliteServerFactory factory) : IdempotencyTests<SqliteServerFactory>(factory);

public sealed class IdempotencyPostgresTests(PostgresServerFactory factory) : IdempotencyTests<PostgresServerFactory>(factory);
