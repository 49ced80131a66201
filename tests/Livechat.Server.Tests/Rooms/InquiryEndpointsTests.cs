using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Rooms;

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
        // The department's only agent is away, so the room queues and that agent can still list the department's queue.
        var away = await factory.CreateAgentAsync();
        (await away.Api.PostAsync("livechat/agent.status", new { status = "not-available" })).Ok();
        var emptyDepartment = await factory.CreateDepartmentAsync(null, away);
        var (token, _) = await factory.CreateVisitorAsync(emptyDepartment);
        await factory.SetSettingAsync("Livechat_accept_chats_with_no_agents", true);
        string inquiryId;
        try
        {
            var rid = (await factory.OpenRoomAsync(token)).Str("_id");
            var all = (await away.Api.GetAsync($"livechat/inquiries.queued?department={emptyDepartment}&count=0")).Ok();
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
        (await agent.Api.PostAsync("livechat/inquiries.take", new { inquiryId })).Is(400, """{"success":false,"error":"error-not-authorized"}""");
        var plain = await factory.CreateUserAsync();
        (await plain.Api.GetAsync("livechat/inquiries.queued")).Is(403,
            """{"success":false,"error":"User does not have the permissions required for this action [error-unauthorized]"}""");
    }

    [Fact]
    public async Task AnAgentSeesAndTakesOnlyTheQueuesOfItsOwnDepartments()
    {
        var member = await factory.CreateAgentAsync();
        var outsider = await factory.CreateAgentAsync();
        var loner = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, member);
        var other = await factory.CreateDepartmentAsync(null, outsider);
        var (token, _) = await factory.CreateVisitorAsync(department);
        await factory.SetSettingAsync("Livechat_Routing_Method", "Manual_Selection");
        try
        {
            var rid = (await factory.OpenRoomAsync(token)).Str("_id");
            var notAuthorized = """{"success":false,"error":"error-not-authorized"}""";

            (await outsider.Api.GetAsync($"livechat/inquiries.queued?department={department}")).Is(400, notAuthorized);
            (await loner.Api.GetAsync($"livechat/inquiries.queued?department={department}")).Is(400, notAuthorized);
            Assert.DoesNotContain(rid, await QueuedRoomsAsync(outsider, ""));
            Assert.DoesNotContain(rid, await QueuedRoomsAsync(outsider, $"&department={other}"));
            var inquiryId = (await member.Api.GetAsync($"livechat/inquiries.queued?department={department}")).Ok().Json
                .GetProperty("inquiries").EnumerateArray().Single(i => i.Str("rid") == rid).Str("_id");
            Assert.Contains(rid, await QueuedRoomsAsync(member, ""));

            (await outsider.Api.PostAsync("livechat/inquiries.take", new { inquiryId })).Is(400, notAuthorized);
            (await member.Api.PostAsync("livechat/inquiries.take", new { inquiryId, userId = outsider.Id })).Is(400, notAuthorized);
            Assert.Contains(rid, await QueuedRoomsAsync(member, $"&department={department}"));
            (await member.Api.PostAsync("livechat/inquiries.take", new { inquiryId })).Is(200, """{"success":true}""");
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_Routing_Method", "Auto_Selection");
        }
    }

    static async Task<List<string>> QueuedRoomsAsync(TestUser agent, string filter) =>
        (await agent.Api.GetAsync($"livechat/inquiries.queued?count=0{filter}")).Ok().Json.GetProperty("inquiries").EnumerateArray()
            .Select(i => i.Str("rid")).ToList();
}

public sealed class InquiryEndpointsSqliteTests(SqliteServerFactory factory) : InquiryEndpointsTests<SqliteServerFactory>(factory);

public sealed class InquiryEndpointsPostgresTests(PostgresServerFactory factory) : InquiryEndpointsTests<PostgresServerFactory>(factory);
