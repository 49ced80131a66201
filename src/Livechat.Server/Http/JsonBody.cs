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
            var node = await JsonNode.ParseAsync(buffer, documentOptions: new JsonDocumentOptions { MaxDepth = 64 },
                cancellationToken: context.RequestAborted);
            return new JsonBody(node);
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException or ArgumentException)
        {
            throw ApiError.Coded("error-invalid-json", "Invalid JSON body").ToException();
        }
    }

    /// <summary>Reads the body, failing with the 413 envelope as soon as it passes <paramref name="max"/> bytes.</summary>
    static async Task CopyAtMostAsync(Stream body, MemoryStream buffer, long max, CancellationToken ct)
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
