using System.Text.Json;
using System.Text.Json.Serialization;
using Livechat.Server.Http;
using Livechat.Server.Messages;

namespace Livechat.Server.Files;

/// <summary>
/// The answer of <c>livechat/upload</c>: Rocket.Chat spreads the message's fields beside <c>success</c>
/// (<c>API.v1.success(msg)</c>), so the fields are extension data, <c>success</c> last.
/// </summary>
public sealed record SpreadMessageResponse
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Fields { get; init; } = [];

    public static SpreadMessageResponse Of(MessageView message)
    {
        var fields = JsonSerializer.SerializeToElement(message, JsonSetup.Options).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        fields["success"] = JsonSerializer.SerializeToElement(true);
        return new() { Fields = fields };
    }
}

public sealed record MediaFile([property: JsonPropertyName("_id")] string Id, string Url);

public sealed record MediaResponse(MediaFile File) : ApiResponse;
