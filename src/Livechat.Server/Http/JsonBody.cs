using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;

namespace Livechat.Server.Http;

/// <summary>
/// The request body as a JSON tree, bound after authentication, permission and rate limiting have run,
/// so a bad body never answers before a 401/403/429 (api-conventions §3.2). An empty body is <c>{}</c>.
/// </summary>
public sealed class JsonBody(JsonNode? root)
{
    public JsonNode? Root { get; } = root;

    public JsonObject? Object => Root as JsonObject;

    public static async ValueTask<JsonBody> BindAsync(HttpContext context)
    {
        var request = context.Request;
        var max = context.RequestServices.GetRequiredService<Limits>().MaxRequestBodyBytes;
        using var buffer = new MemoryStream();
        await CopyAtMostAsync(request.Body, buffer, max, context.RequestAborted);
        if (buffer.Length == 0)
        {
            return new JsonBody(new JsonObject());
        }
        if (!IsJsonContentType(request.ContentType))
        {
            throw ApiError.Coded("error-invalid-content-type", "Request body must be JSON (Content-Type: application/json)").ToException();
        }
        try
        {
            buffer.Position = 0;
            var node = JsonNode.Parse(buffer, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            try
            {
                Check(node);
                return new JsonBody(node);
            }
            catch (ArgumentException)
            {
                // A repeated key: rebuilt keeping the last value, as JavaScript's JSON.parse does.
                using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = 64 });
                return new JsonBody(ToNode(document.RootElement));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or DecoderFallbackException or ArgumentException)
        {
            throw InvalidJson().ToException();
        }
    }

    public static ApiError InvalidJson() => ApiError.Coded("error-invalid-json", "Invalid JSON body");

    /// <summary>
    /// The whole tree is read now rather than when a handler first touches a value: a string that is not valid UTF-8 or
    /// holds an unpaired surrogate, or a number beyond double range, makes the body invalid JSON (an exception here),
    /// and U+0000, which PostgreSQL cannot store, is refused. A repeated key throws <see cref="ArgumentException"/>.
    /// </summary>
    static void Check(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    Text(key);
                    Check(value);
                }
                break;
            case JsonArray array:
                foreach (var item in array) Check(item);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                Text(value.GetValue<string>());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                if (!value.TryGetValue<double>(out var number) || !double.IsFinite(number)) throw new JsonException("Number out of range");
                break;
        }
    }

    /// <summary>The tree of a body with repeated keys, the last value of each kept; checked as <see cref="Check"/> does.</summary>
    static JsonNode? ToNode(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    obj[Text(property.Name)] = ToNode(property.Value);
                }
                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(ToNode(item));
                }
                return array;
            case JsonValueKind.String:
                return JsonValue.Create(Text(element.GetString()!));
            case JsonValueKind.Number:
                return element.TryGetDouble(out var number) && double.IsFinite(number)
                    ? JsonValue.Create(element.Clone())
                    : throw new JsonException("Number out of range");
            case JsonValueKind.True:
                return JsonValue.Create(true);
            case JsonValueKind.False:
                return JsonValue.Create(false);
            default:
                return null;
        }
    }

    static string Text(string text) => text.Contains('\0', StringComparison.Ordinal) ? throw Limits.InvalidCharacters().ToException() : text;

    /// <summary>Reads the body, failing with the 413 envelope as soon as it passes <paramref name="max"/> bytes.</summary>
    internal static async Task CopyAtMostAsync(Stream body, MemoryStream buffer, long max, CancellationToken ct)
    {
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max)
            {
                throw ApiError.RequestTooLarge().ToException();
            }
            buffer.Write(chunk, 0, read);
        }
    }

    static bool IsJsonContentType(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
        {
            return false;
        }
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
