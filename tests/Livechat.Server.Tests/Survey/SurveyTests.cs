using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Survey;

/// <summary><c>livechat/room.survey</c>: Rocket.Chat's checks and errors, stored as <c>surveyFeedback</c>, shown by <c>rooms.info</c>.</summary>
public abstract class SurveyTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory, new()
{
    [Fact]
    public async Task AnswersAreStoredAndShownInRoomsInfo()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var data = new object[]
        {
            new { name = "satisfaction", value = "5" }, new { name = "agentKnowledge", value = "9" }, new { name = "unknown", value = "1" },
            new { name = "additionalFeedback", value = "Quick and kind" },
        };
        (await factory.Anonymous().PostAsync("livechat/room.survey", new { rid, token, data }))
            .Is(200, $$"""{"rid":"{{rid}}","data":{"satisfaction":"5","additionalFeedback":"Quick and kind"},"success":true}""");
        var info = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.Equal("""{"satisfaction":"5","additionalFeedback":"Quick and kind"}""", info.GetProperty("surveyFeedback").GetRawText());
    }

    [Fact]
    public async Task RefusalsAreRocketChats()
    {
        var (room, token, _, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var (otherToken, _) = await factory.CreateVisitorAsync();
        var good = new[] { new { name = "satisfaction", value = "4" } };
        var anonymous = factory.Anonymous();
        (await anonymous.PostAsync("livechat/room.survey", new { rid, token = "no-such-token", data = good })).Is(400, """{"success":false,"error":"invalid-token"}""");
        (await anonymous.PostAsync("livechat/room.survey", new { rid, token = otherToken, data = good })).Is(400, """{"success":false,"error":"invalid-room"}""");
        (await anonymous.PostAsync("livechat/room.survey", new { rid, token, data = new[] { new { name = "satisfaction", value = "6" } } }))
            .Is(400, """{"success":false,"error":"invalid-data"}""");
        var missing = await anonymous.PostAsync("livechat/room.survey", new { rid, token });
        Assert.Equal(400, missing.Code);
        Assert.Equal("invalid-params", missing.Json.Str("errorType"));
        var info = (await (await factory.AdminAsync()).GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.False(info.TryGetProperty("surveyFeedback", out _));
    }
}

public sealed class SurveySqliteTests(SqliteServerFactory factory) : SurveyTests<SqliteServerFactory>(factory);

public sealed class SurveyPostgresTests(PostgresServerFactory factory) : SurveyTests<PostgresServerFactory>(factory);
