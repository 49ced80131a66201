using System.Security.Cryptography;

namespace Livechat.Server.Http;

/// <summary>Rocket.Chat's id and secret formats (api-conventions §4).</summary>
public static class Ids
{
    const string MeteorAlphabet = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";
    const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary>Meteor <c>Random.id()</c>: 17 characters, for users, rooms and messages.</summary>
    public static string NewId() => RandomNumberGenerator.GetString(MeteorAlphabet, 17);

    /// <summary>24 lowercase hex characters (MongoDB ObjectId form), for visitors, tags, priorities, SLAs…</summary>
    public static string NewObjectId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>Meteor <c>Random.secret()</c>: 43 base64url characters, for login and personal access tokens.</summary>
    public static string NewSecret() => RandomNumberGenerator.GetString(SecretAlphabet, 43);

    /// <summary>Meteor's <c>Accounts._hashLoginToken</c>: base64(SHA-256(token)).</summary>
    public static string HashToken(string token) =>
        Convert.ToBase64String(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}

public static class Clock
{
    /// <summary>Now, in UTC, truncated to milliseconds so it round-trips identically through both databases and the wire.</summary>
    public static DateTime UtcNow(this TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}
