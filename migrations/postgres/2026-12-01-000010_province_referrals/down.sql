DROP TABLE province_referrals;
