using System.Net.Http.Headers;
using System.Text;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Http;

/// <summary>The documented input limits: body size, tags, custom-field values, message length. A refused request writes nothing.</summary>
public abstract class LimitsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    const string TooLarge = """{"success":false,"error":"error-request-too-large","errorType":"error-request-too-large"}""";
    const string InvalidToken = """{"success":false,"error":"[invalid-token]","errorType":"invalid-token"}""";
    const int MaxBody = 1024 * 1024;

    [Fact]
    public async Task BodyOverOneMebibyteAnswers413AndWritesNothing()
    {
        var token = TestUsers.Unique("big");
        var body = $$$"""{"visitor":{"token":"{{{token}}}","name":"{{{new string('n', MaxBody)}}}"}}""";

        var announced = await factory.Anonymous().PostRawAsync("livechat/visitor", body);
        var chunked = await PostChunkedAsync(factory.Anonymous(), "livechat/visitor", body);
        var beforeAuth = await factory.Anonymous().PostRawAsync("users.create", body);

        announced.Is(413, TooLarge);
        chunked.Is(413, TooLarge);
        beforeAuth.Is(413, TooLarge);
        (await factory.Anonymous().GetAsync($"livechat/visitor/{token}")).Is(400, InvalidToken);
    }

    [Fact]
    public async Task BodyJustUnderTheLimitIsRead()
    {
        var token = TestUsers.Unique("fits");
        // Names are capped; a key livechat/visitor tolerates and ignores carries the bulk.
        var prefix = "{\"visitor\":{\"token\":\"" + token + "\",\"note\":\"";
        var body = prefix + new string('n', MaxBody - prefix.Length - 4) + "\"}}";

        var reply = await factory.Anonymous().PostRawAsync("livechat/visitor", body);

        Assert.Equal(MaxBody - 1, Encoding.UTF8.GetByteCount(body));
        reply.Ok();
    }

    [Fact]
    public async Task TagsAreLimitedInCountAndLength()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var vid = room.GetProperty("v").Str("_id");
        var admin = await factory.AdminAsync();
        var hundred = Enumerable.Range(0, 100).Select(i => $"{i:D3}{new string('t', 97)}").ToArray();

        var tooMany = await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = vid }, roomData = new { _id = rid, tags = hundred.Append("one-more") } });
        var tooLong = await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = vid }, roomData = new { _id = rid, tags = new[] { new string('x', 101) } } });
        var closeTooMany = await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "bye", tags = hundred.Append("one-more") });
        var catalogue = await admin.PostAsync("livechat/tags.save", new { tagData = new { name = new string('x', 101) }, tagDepartments = Array.Empty<string>() });
        var atTheLimit = await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = vid }, roomData = new { _id = rid, tags = hundred } });

        tooMany.Is(400, """{"success":false,"error":"must NOT have more than 100 items [invalid-params]","errorType":"invalid-params"}""");
        tooLong.Is(400, """{"success":false,"error":"must NOT have more than 100 characters [invalid-params]","errorType":"invalid-params"}""");
        closeTooMany.Is(400, """{"success":false,"error":"must NOT have more than 100 items [invalid-params]","errorType":"invalid-params"}""");
        catalogue.Is(400, """{"success":false,"error":"must NOT have more than 100 characters [invalid-params]","errorType":"invalid-params"}""");
        atTheLimit.Is(200, """{"success":true}""");
        var saved = (await admin.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.Equal(100, saved.GetProperty("tags").GetArrayLength());
        Assert.True(saved.GetProperty("open").GetBoolean());
    }

    [Fact]
    public async Task CustomFieldValuesAreLimitedToThreeHundredCharacters()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var vid = room.GetProperty("v").Str("_id");
        var admin = await factory.AdminAsync();
        var roomField = TestUsers.Unique("rf");
        var visitorField = TestUsers.Unique("vf");
        (await admin.PostAsync("livechat/custom-fields.save", new { customFieldData = new { field = roomField, label = "Room field", scope = "room", visibility = "visible" } })).Ok();
        (await admin.PostAsync("livechat/custom-fields.save", new { customFieldData = new { field = visitorField, label = "Visitor field", scope = "visitor", visibility = "visible" } })).Ok();
        var tooLong = new string('v', 301);
        string Error(string key) =>
            $$"""{"success":false,"error":"The value of {{key}} is longer than 300 characters [error-custom-field-value-too-long]","errorType":"error-custom-field-value-too-long"}""";

        var roomScope = await agent.Api.PostAsync("livechat/room.saveInfo", new
        {
            guestData = new { _id = vid },
            roomData = new Dictionary<string, object> { ["_id"] = rid, ["topic"] = "kept?", ["livechatData"] = new Dictionary<string, string> { [roomField] = tooLong } },
        });
        var visitorScope = await agent.Api.PostAsync("livechat/room.saveInfo", new
        {
            guestData = new Dictionary<string, object> { ["_id"] = vid, ["livechatData"] = new Dictionary<string, string> { [visitorField] = tooLong } },
            roomData = new { _id = rid },
        });
        var widget = await factory.Anonymous().PostAsync("livechat/custom.field", new { token, key = visitorField, value = tooLong, overwrite = true });
        var registration = await factory.Anonymous().PostAsync("livechat/visitor", new
        {
            visitor = new { token = TestUsers.Unique("reg"), customFields = new[] { new { key = visitorField, value = tooLong, overwrite = true } } },
        });
        var atTheLimit = await agent.Api.PostAsync("livechat/room.saveInfo", new
        {
            guestData = new { _id = vid },
            roomData = new Dictionary<string, object> { ["_id"] = rid, ["livechatData"] = new Dictionary<string, string> { [roomField] = new string('v', 300) } },
        });

        roomScope.Is(400, Error(roomField));
        visitorScope.Is(400, Error(visitorField));
        widget.Is(400, Error(visitorField));
        registration.Is(400, Error(visitorField));
        atTheLimit.Is(200, """{"success":true}""");
        var saved = (await admin.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.False(saved.TryGetProperty("topic", out _));
        Assert.Equal(300, saved.GetProperty("livechatData").Str(roomField).Length);
    }

    [Fact]
    public async Task MessagesAreLimitedByMessageMaxAllowedSize()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        const string Exceeded = """{"success":false,"error":"Message size exceeds Message_MaxAllowedSize [error-message-size-exceeded]","errorType":"error-message-size-exceeded"}""";

        var visitorTooLong = await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = new string('m', 5001) });
        var agentTooLong = await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = new string('m', 5001) } });
        var visitorAtLimit = await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = new string('m', 5000) });
        await factory.SetSettingAsync("Message_MaxAllowedSize", 10);
        Reply agentOverSetting;
        try
        {
            agentOverSetting = await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "eleven char" } });
        }
        finally
        {
            await factory.SetSettingAsync("Message_MaxAllowedSize", 5000);
        }

        visitorTooLong.Is(400, Exceeded);
        agentTooLong.Is(400, Exceeded);
        visitorAtLimit.Ok();
        agentOverSetting.Is(400, Exceeded);
        var saved = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.Equal(1, saved.GetProperty("msgs").GetInt32());
    }

    [Fact]
    public async Task IndexedValuesAreLimitedToAKibibyteOnBothDatabases()
    {
        var token = new string('t', 1025);
        var unicode = TestUsers.Unique("u") + new string('中', 400);

        var longToken = await factory.Anonymous().PostAsync("livechat/visitor", new { visitor = new { token } });
        var longUnicode = await factory.Anonymous().PostAsync("livechat/visitor", new { visitor = new { token = unicode } });

        longToken.Is(400, """{"success":false,"error":"token is longer than 1024 bytes [error-value-too-long]","errorType":"error-value-too-long"}""");
        longUnicode.Is(400, """{"success":false,"error":"token is longer than 1024 bytes [error-value-too-long]","errorType":"error-value-too-long"}""");
        (await factory.Anonymous().GetAsync($"livechat/visitor/{token}")).Is(400, InvalidToken);
    }

    [Fact]
    public async Task TextCannotCarryTheNulCharacter()
    {
        const string Invalid = """{"success":false,"error":"The request contains the character U+0000 [error-invalid-characters]","errorType":"error-invalid-characters"}""";
        var token = TestUsers.Unique("nul");

        var inBody = await factory.Anonymous().PostRawAsync("livechat/visitor", $$$"""{"visitor":{"token":"{{{token}}}","name":"a\u0000b"}}""");
        var inQuery = await factory.Anonymous().GetAsync("livechat/room?token=a%00b");

        inBody.Is(400, Invalid);
        inQuery.Is(400, Invalid);
        (await factory.Anonymous().GetAsync($"livechat/visitor/{token}")).Is(400, InvalidToken);
    }

    [Fact]
    public async Task JsonThatCannotBeReadFaithfullyIsInvalidAndRepeatedKeysKeepTheLast()
    {
        const string InvalidJson = """{"success":false,"error":"Invalid JSON body [error-invalid-json]","errorType":"error-invalid-json"}""";
        var token = TestUsers.Unique("dup");
        var invalidUtf8 = new ByteArrayContent([.. Encoding.UTF8.GetBytes("{\"visitor\":{\"token\":\"x"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}}")]);
        invalidUtf8.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var badUtf8 = await factory.Anonymous().SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/livechat/visitor") { Content = invalidUtf8 });
        var loneSurrogate = await factory.Anonymous().PostRawAsync("livechat/visitor", """{"visitor":{"token":"\ud800"}}""");
        var outOfRange = await factory.Anonymous().PostRawAsync("livechat/sla", """{"name":"x","dueTimeInMinutes":1e400}""");
        var repeated = await factory.Anonymous().PostRawAsync("livechat/visitor", $$$"""{"visitor":{"token":"first"},"visitor":{"token":"{{{token}}}","name":"Last"}}""");

        badUtf8.Is(400, InvalidJson);
        loneSurrogate.Is(400, InvalidJson);
        Assert.Equal(401, outOfRange.Code);
        repeated.Ok();
        Assert.Equal("Last", (await factory.Anonymous().GetAsync($"livechat/visitor/{token}")).Ok().Json.GetProperty("visitor").Str("name"));
        var admin = await factory.AdminAsync();
        (await admin.PostRawAsync("livechat/sla", """{"name":"x","dueTimeInMinutes":1e400}""")).Is(400, InvalidJson);
    }

    static Task<Reply> PostChunkedAsync(ApiClient api, string path, string body)
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/{path}") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        return api.SendAsync(request);
    }
}

public sealed class LimitsSqliteTests(SqliteServerFactory factory) : LimitsTests<SqliteServerFactory>(factory);

public sealed class LimitsPostgresTests(PostgresServerFactory factory) : LimitsTests<PostgresServerFactory>(factory);
