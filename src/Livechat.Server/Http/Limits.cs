using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Livechat.Server.Http;

/// <summary>
/// Input limits (README "Limits"): the request body size (configuration <c>Limits:MaxRequestBodyBytes</c>), and the
/// fixed limits on tags and custom-field values. Message length is Rocket.Chat's <c>Message_MaxAllowedSize</c> setting.
/// </summary>
public sealed class Limits(long maxRequestBodyBytes)
{
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Tags in one request (<c>room.saveInfo</c>, <c>room.closeByUser</c>).</summary>
    public const int MaxTags = 100;

    /// <summary>Characters of one tag name, in requests and in the tag catalogue.</summary>
    public const int MaxTagLength = 100;

    /// <summary>Characters of one stored custom-field value, visitor or room scope (room values are indexed for filters).</summary>
    public const int MaxCustomFieldValueLength = 300;

    /// <summary>Characters of a person's name a visitor or an agent gives (the visitor's <c>name</c>, so the room's <c>fname</c>).</summary>
    public const int MaxNameLength = 100;

    /// <summary>Characters of an e-mail address in the offline form (RFC 5321's longest path).</summary>
    public const int MaxEmailLength = 254;

    /// <summary>Characters of an offline message (the default of <c>Message_MaxAllowedSize</c>).</summary>
    public const int MaxOfflineMessageLength = 5000;

    /// <summary>Characters of the offline form's <c>host</c> and <c>department</c>.</summary>
    public const int MaxShortTextLength = 255;

    /// <summary>Characters of the input an error message may quote.</summary>
    public const int MaxEchoLength = 40;

    /// <summary>UTF-8 bytes of a string in a key or indexed column (see <c>Data/IndexedValueLimit</c>).</summary>
    public const int MaxIndexedValueBytes = 1024;

    public long MaxRequestBodyBytes { get; } = maxRequestBodyBytes;

    /// <summary>U+0000 cannot be stored by PostgreSQL, so no request may carry it (query, path or JSON string).</summary>
    public static ApiError InvalidCharacters() => ApiError.Coded("error-invalid-characters", "The request contains the character U+0000");

    /// <summary>Longer than <paramref name="max"/> code points (ajv's count; a surrogate pair is one character).</summary>
    public static bool TooLong(string text, int max) => text.Length > max && Schema.CodePoints(text) > max;

    public static ApiError ValueTooLong(string field, int max) => ApiError.Coded("error-value-too-long", $"{field} is longer than {max} characters");

    /// <summary>The input as an error may quote it: at most <see cref="MaxEchoLength"/> characters, then an ellipsis.</summary>
    public static string Excerpt(string input)
    {
        if (input.Length <= MaxEchoLength) return input;
        var length = char.IsHighSurrogate(input[MaxEchoLength - 1]) ? MaxEchoLength - 1 : MaxEchoLength;
        return string.Concat(input.AsSpan(0, length), "…");
    }

    public static ApiError CustomFieldValueTooLong(string key) => ApiError.Coded("error-custom-field-value-too-long",
        $"The value of {key} is longer than {MaxCustomFieldValueLength} characters");
}

/// <summary><c>Limits:*</c>, bound and checked at start (Operations/LivechatOptions.cs).</summary>
public sealed class LimitsOptions
{
    public long MaxRequestBodyBytes { get; set; } = Limits.DefaultMaxRequestBodyBytes;
}

public static class RequestBodyLimit
{
    public static IServiceCollection AddLimits(this IServiceCollection services) =>
        services.AddSingleton(sp => new Limits(sp.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxRequestBodyBytes));

    /// <summary>
    /// A body announced larger than the limit answers the 413 envelope before anything reads it; the server's own
    /// limit on reading (Kestrel's, and <see cref="JsonBody"/>'s for bodies without a length) catches the rest. A
    /// query or path holding U+0000 answers 400 <c>error-invalid-characters</c>.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var max = context.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>() is { } own
            ? await own.MaxBytesAsync(context)
            : context.RequestServices.GetRequiredService<Limits>().MaxRequestBodyBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = max;
        }
        if (context.Request.ContentLength > max)
        {
            await ApiError.RequestTooLarge().ExecuteAsync(context);
            return;
        }
        if (context.Request.Path.Value?.Contains('\0', StringComparison.Ordinal) == true
            || context.Request.Query.Any(q => q.Key.Contains('\0', StringComparison.Ordinal) || q.Value.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true)))
        {
            await Limits.InvalidCharacters().ExecuteAsync(context);
            return;
        }
        await next(context);
    });
}

/// <summary>
/// Endpoint metadata: a body limit of the endpoint's own (uploads), in place of <c>Limits:MaxRequestBodyBytes</c>;
/// <see cref="RequestBodyLimit.UseRequestBodyLimit"/> applies it.
/// </summary>
public sealed record BodyLimit(Func<HttpContext, ValueTask<long>> MaxBytesAsync);
