using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Livechat.Server.Http;

namespace Livechat.Server.Triggers;

/// <summary>A trigger as the admin endpoints answer it (Rocket.Chat's stored document).</summary>
public sealed record TriggerView(
    [property: JsonPropertyName("_id")] string Id, string Name, string Description, bool Enabled, bool RunOnce,
    JsonNode? Conditions, JsonNode? Actions, [property: JsonPropertyName("_updatedAt")] DateTime UpdatedAt)
{
    public static TriggerView From(Trigger t) => new(t.Id, t.Name, t.Description, t.Enabled, t.RunOnce,
        JsonNode.Parse(t.Conditions), JsonNode.Parse(t.Actions), t.UpdatedAt);
}

/// <summary>A trigger in <c>livechat/config</c>: Rocket.Chat's projection <c>_id, actions, conditions, runOnce</c>.</summary>
public sealed record WidgetTrigger([property: JsonPropertyName("_id")] string Id, JsonNode? Actions, JsonNode? Conditions, bool RunOnce)
{
    public static WidgetTrigger From(Trigger t) => new(t.Id, JsonNode.Parse(t.Actions), JsonNode.Parse(t.Conditions), t.RunOnce);
}

public sealed record TriggersResponse(IReadOnlyList<TriggerView> Triggers, int Count, int Offset, int Total) : ApiResponse;

/// <summary><c>livechat/triggers/:_id</c>: Rocket.Chat answers <c>"trigger": null</c> for an unknown id.</summary>
public sealed record TriggerResponse([property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] TriggerView? Trigger) : ApiResponse;
