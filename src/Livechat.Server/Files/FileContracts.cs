using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Livechat.Server.Http;
using Livechat.Server.Messages;

namespace Livechat.Server.Files;

/// <summary>The answer of <c>livechat/upload</c>: Rocket.Chat spreads the message's fields beside <c>success</c>.</summary>
public sealed record SpreadMessageResponse([property: JsonExtensionData] JsonObject Fields) : ApiResponse
{
    public static SpreadMessageResponse Of(MessageView message) =>
        new(JsonSerializer.SerializeToNode(message, JsonSetup.Options)!.AsObject());
}

public sealed record MediaFile([property: JsonPropertyName("_id")] string Id, string Url);

public sealed record MediaResponse(MediaFile File) : ApiResponse;
