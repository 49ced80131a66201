using Livechat.Server.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Livechat.Server.Tests.Infrastructure;

/// <summary>
/// Direct database access, only for what no endpoint can arrange (an SMS room, department membership for tag
/// visibility, a second seeding run) and for the few row-level checks; the behaviour under test is driven over HTTP.
/// </summary>
public static class TestData
{
    public const string Forbidden = """{"success":false,"error":"User does not have the permissions required for this action [error-unauthorized]"}""";

    public static async Task<T> WithDbAsync<T>(this LivechatServerFactory factory, Func<LivechatDb, Task<T>> action)
    {
        using var scope = factory.Services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<LivechatDb>());
    }

    public static Task WithDbAsync(this LivechatServerFactory factory, Func<LivechatDb, Task> action) =>
        factory.WithDbAsync(async db => { await action(db); return true; });

    /// <summary>A document the visitor received (a message, a room) as staff receive it: without the visitor's token.</summary>
    public static string AsStaffSeeIt(this System.Text.Json.JsonElement visitorView)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(visitorView.GetRawText())!.AsObject();
        node.Remove("token");
        (node["v"] as System.Text.Json.Nodes.JsonObject)?.Remove("token");
        return node.ToJsonString();
    }
}
