using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Livechat;

public abstract class InquiryEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task ManualSelectionQueuesTheRoomUntilAnAgentTakesIt()
    {
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, agent);
        var (token, visitor) = await factory.CreateVisitorAsync(department);
        await factory.SetSettingAsync("Livechat_Routing_Method", "Manual_Selection");
        try
        {
            var room = await factory.OpenRoomAsync(token);
            var rid = room.Str("_id");
            Assert.False(room.TryGetProperty("servedBy", out _));

            var queued = await agent.Api.GetAsync($"livechat/inquiries.queued?department={department}");
            var inquiry = queued.Ok().Json.GetProperty("inquiries").EnumerateArray().Single(i => i.Str("rid") == rid);
            Assert.Equal($$"""
                {"_id":"{{inquiry.Str("_id")}}","rid":"{{rid}}","name":"{{visitor.Str("username")}}","message":"","status":"queued",
                "v":{"_id":"{{visitor.Str("_id")}}","username":"{{visitor.Str("username")}}","status":"online"},"t":"l",
                "department":"{{department}}","ts":"{{room.Str("ts")}}","queuedAt":"{{room.Str("ts")}}","_updatedAt":"{{room.Str("ts")}}",
                "priorityWeight":99,"estimatedWaitingTimeQueue":9999999,"source":{"type":"api"}
                """.Replace("\n", "", StringComparison.Ordinal) + "}", inquiry.GetRawText());

            var take = await agent.Api.PostAsync("livechat/inquiries.take", new { inquiryId = inquiry.Str("_id") });

            take.Is(200, """{"success":true}""");
            var served = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
            Assert.Equal(agent.Id, served.GetProperty("servedBy").Str("_id"));
            (await agent.Api.PostAsync("livechat/inquiries.take", new { inquiryId = inquiry.Str("_id") }))
                .Is(400, """{"success":false,"error":"Inquiry already taken [error-inquiry-taken]","errorType":"error-inquiry-taken"}""");
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_Routing_Method", "Auto_Selection");
        }
    }

    [Fact]
    public async Task TakeAnswersRocketChatErrorsInOrder()
    {
        var agent = await factory.CreateAgentAsync();
        var offline = await factory.CreateAgentAsync();
        (await offline.Api.PostAsync("livechat/agent.status", new { status = "not-available" })).Ok();
        var emptyDepartment = await factory.CreateDepartmentAsync();
        var (token, _) = await factory.CreateVisitorAsync(emptyDepartment);
        await factory.SetSettingAsync("Livechat_accept_chats_with_no_agents", true);
        string inquiryId;
        try
        {
            var rid = (await factory.OpenRoomAsync(token)).Str("_id");
            var all = (await (await factory.AdminAsync()).GetAsync($"livechat/inquiries.queued?department={emptyDepartment}&count=0")).Ok();
            inquiryId = all.Json.GetProperty("inquiries").EnumerateArray().Single(i => i.Str("rid") == rid).Str("_id");
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_accept_chats_with_no_agents", false);
        }

        (await agent.Api.PostAsync("livechat/inquiries.take", new { inquiryId, userId = "nope" })).Is(400, """{"success":false,"error":"The user is invalid"}""");
        (await agent.Api.PostAsync("livechat/inquiries.take", new { inquiryId = "nope" }))
            .Is(400, """{"success":false,"error":"Inquiry not found [error-not-found]","errorType":"error-not-found"}""");
        (await offline.Api.PostAsync("livechat/inquiries.take", new { inquiryId })).Is(400,
            """{"success":false,"error":"Agent status is offline or Omnichannel service is not active [error-agent-status-service-offline]","errorType":"error-agent-status-service-offline"}""");
        (await agent.Api.PostAsync("livechat/inquiries.take", new { })).Is(400,
            """{"success":false,"error":"must have required property 'inquiryId' [invalid-params]","errorType":"invalid-params"}""");
        var plain = await factory.CreateUserAsync();
        (await plain.Api.GetAsync("livechat/inquiries.queued")).Is(403,
            """{"success":false,"error":"User does not have the permissions required for this action [error-unauthorized]"}""");
    }
}

public sealed class InquiryEndpointsSqliteTests(SqliteServerFactory factory) : InquiryEndpointsTests<SqliteServerFactory>(factory);

public sealed class InquiryEndpointsPostgresTests(PostgresServerFactory factory) : InquiryEndpointsTests<PostgresServerFactory>(factory);
