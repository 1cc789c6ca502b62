window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1785660000000000001"
          ],
          "editableUntil" : "2024-05-01T13:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [ ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [
          {
            "url" : "https://t.co/Ab3dEf9hIj",
            "expanded_url" : "https://amzn.to/3xKq9Lm",
            "display_url" : "amzn.to/3xKq9Lm",
            "indices" : [
              "35",
              "58"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "58"
      ],
      "favorite_count" : "3",
      "id_str" : "1785660000000000001",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1785660000000000001",
      "created_at" : "Wed May 01 12:00:00 +0000 2024",
      "favorited" : false,
      "full_text" : "Best trail shoes I own &amp; they last https://t.co/Ab3dEf9hIj",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : {
        "hashtags" : [ ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "23"
      ],
      "favorite_count" : "0",
      "id_str" : "1785900000000000002",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1785900000000000002",
      "created_at" : "Thu May 02 08:30:00 +0000 2024",
      "favorited" : false,
      "full_text" : "Just a walk in the park",
      "lang" : "en"
    }
  }
]
